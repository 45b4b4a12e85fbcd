package io.orgsync.source.wecom;

import io.orgsync.source.wecom.WecomWire.User;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which WeCom APIs one run uses, and what the id-only APIs gathered so far. Lives in the exchange
 * property {@value #PROPERTY}; the routes branch on {@link #isDepartmentsByList()} and
 * {@link #isMembersByList()}. It is one mutable object shared by reference with every split
 * sub-exchange, so a switch made while listing one department holds for the rest of the run.
 */
public final class WecomPlan {

    public static final String PROPERTY = "wecomPlan";

    /** {@code orgsync.wecom.department-mode}. */
    public enum DepartmentMode {
        /** department/list; on 48009 department/simplelist + department/get for the rest of the run. */
        AUTO,
        /** department/list only; 48009 fails the run. */
        LIST,
        /** department/simplelist + department/get, without trying department/list. */
        SIMPLELIST;

        public static DepartmentMode of(String setting) {
            return valueOf(setting.toUpperCase(Locale.ROOT));
        }
    }

    /** {@code orgsync.wecom.member-mode}. */
    public enum MemberMode {
        /** user/list per department; on 48009 user/list_id + user/simplelist for the rest of the run. */
        AUTO,
        /** user/list only; 48009 fails the run. */
        LIST,
        /** user/list_id + user/simplelist, without trying user/list. */
        LIST_ID;

        public static MemberMode of(String setting) {
            return valueOf(setting.toUpperCase(Locale.ROOT));
        }
    }

    private final DepartmentMode departmentMode;
    private final MemberMode memberMode;
    private final String rootDepartmentId;
    private volatile boolean departmentsByList;
    private volatile boolean membersByList;
    private volatile boolean namesVisible = true;
    /** department/simplelist's ids in listing order, so both modes visit departments alike. */
    private final List<String> listedDepartmentIds = new CopyOnWriteArrayList<>();
    /**
     * Id-only mode: each member's first user/simplelist entry, by {@link #key} of the userid. Two
     * APIs are joined here and WeCom userids are case-insensitive, so they are joined as such.
     */
    private final Map<String, User> named = new ConcurrentHashMap<>();
    /** Id-only mode: user/list_id's rows per member, by {@link #key} of the userid. */
    private final Map<String, Membership> memberships = new ConcurrentHashMap<>();

    /** A member as user/list_id spelt them first, with their departments in the order the rows came. */
    record Membership(String userid, Set<String> departments) {
    }

    public WecomPlan(DepartmentMode departmentMode, MemberMode memberMode, String rootDepartmentId) {
        this.departmentMode = departmentMode;
        this.memberMode = memberMode;
        this.rootDepartmentId = rootDepartmentId;
        this.departmentsByList = departmentMode != DepartmentMode.SIMPLELIST;
        this.membersByList = memberMode != MemberMode.LIST_ID;
    }

    public DepartmentMode departmentMode() {
        return departmentMode;
    }

    public MemberMode memberMode() {
        return memberMode;
    }

    public String rootDepartmentId() {
        return rootDepartmentId;
    }

    /**
     * The {@code id} for the recursive department listings: empty (left out, the whole tree) for
     * the vendor root, so the listing also shows departments that cannot be traced to it.
     */
    public String getRootQueryId() {
        return WecomNormaliser.VENDOR_ROOT.equals(rootDepartmentId) ? "" : rootDepartmentId;
    }

    public boolean isDepartmentsByList() {
        return departmentsByList;
    }

    public boolean isDepartmentsByIds() {
        return !departmentsByList;
    }

    public boolean isMembersByList() {
        return membersByList;
    }

    public boolean isMembersByIds() {
        return !membersByList;
    }

    /** False once user/simplelist was refused too: members then carry ids and departments only. */
    public boolean isNamesVisible() {
        return namesVisible;
    }

    void switchDepartmentsToIds() {
        departmentsByList = false;
    }

    void switchMembersToIds() {
        membersByList = false;
    }

    void hideNames() {
        namesVisible = false;
    }

    List<String> listedDepartmentIds() {
        return listedDepartmentIds;
    }

    Map<String, User> named() {
        return named;
    }

    Map<String, Membership> memberships() {
        return memberships;
    }

    static String key(String userid) {
        return userid.toLowerCase(Locale.ROOT);
    }
}
