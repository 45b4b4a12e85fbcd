package io.orgsync.source.wecomschool;

import io.orgsync.config.SourceSettings;
import io.orgsync.source.InSplitOrder;
import io.orgsync.source.SourceDefinition;
import io.orgsync.source.VendorDialect;
import io.orgsync.source.wecom.WecomDialect;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * WeCom school contacts ({@code wecom-school}): classes, students and parents. It speaks WeCom's
 * dialect, with WeCom's host, limits and credentials, through other APIs.
 */
public final class WecomSchoolSource implements SourceDefinition {

    @Override
    public String id() {
        return WecomSchoolNormaliser.SOURCE;
    }

    @Override
    public String defaultBaseUrl() {
        return "https://qyapi.weixin.qq.com";
    }

    @Override
    public String defaultRootDepartmentId() {
        return WecomSchoolNormaliser.VENDOR_ROOT;
    }

    @Override
    public int defaultPerSecond() {
        return 100;
    }

    @Override
    public int defaultPerMinute() {
        return 10_000;
    }

    /**
     * 100 calls a second over a slow 100 ms take 12 in flight: 16 keeps the pace up to 140 ms. More
     * cost a nearby vendor's runs: with 32, answers mapped on 36 threads at once took a 100,000-member
     * run without a rate limit from 28,659 to 10,452 records a second on two cores. A
     * nearby vendor never sees that many; WeCom's cap on concurrent calls (45033) is unpublished,
     * and each 45033 takes one away for the rest of the run.
     */
    @Override
    public int defaultConcurrency() {
        return 16;
    }

    @Override
    public List<String> credentialKeys() {
        return List.of("corp-id", "corp-secret");
    }

    @Override
    public VendorDialect dialect(SourceSettings tenant, Clock clock) {
        return new WecomDialect(tenant.prefix(), tenant.credential("corp-id"), tenant.credential("corp-secret"), clock);
    }

    /** The classes' students are fetched in parallel and mapped in class order, as a serial run would. */
    @Override
    public Map<String, Object> beans(SourceSettings tenant) {
        WecomSchoolNormaliser normaliser = new WecomSchoolNormaliser(tenant.rootDepartmentId(), tenant.key(""));
        Map<String, Object> beans = new LinkedHashMap<>();
        beans.put("Normaliser", normaliser);
        beans.put("StudentsInOrder", new InSplitOrder(normaliser::students));
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
