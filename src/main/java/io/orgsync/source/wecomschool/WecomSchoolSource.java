package io.orgsync.source.wecomschool;

import io.orgsync.config.SourceSettings;
import io.orgsync.source.wecom.WecomPlatform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * WeCom school contacts ({@code wecom-school}): classes, students and parents. It speaks WeCom's
 * dialect, with WeCom's host, limits and credentials, through other APIs.
 */
public final class WecomSchoolSource implements WecomPlatform {

    @Override
    public String id() {
        return WecomSchoolNormaliser.SOURCE;
    }

    @Override
    public String defaultRootDepartmentId() {
        return WecomSchoolNormaliser.VENDOR_ROOT;
    }

    /** The classes' students are fetched in parallel and mapped in class order, as a serial run would. */
    @Override
    public Map<String, Object> beans(SourceSettings tenant) {
        WecomSchoolNormaliser normaliser = new WecomSchoolNormaliser(tenant.rootDepartmentId(), tenant.key(""));
        Map<String, Object> beans = new LinkedHashMap<>();
        beans.put("Normaliser", normaliser);
        beans.put("StudentsInOrder", normaliser.inClassOrder());
        return beans;
    }

    @Override
    public Map<String, String> syncParameters(SourceSettings tenant, UnaryOperator<String> beanName) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("studentsInOrder", beanName.apply("StudentsInOrder"));
        parameters.put("rootDepartmentId", tenant.customRootDepartmentId());
        return parameters;
    }
}
