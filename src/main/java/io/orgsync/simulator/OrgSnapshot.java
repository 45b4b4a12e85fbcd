package io.orgsync.simulator;

/**
 * The simulated school and company as they were at one moment, unaffected by later changes: take
 * one when a sync runs, change the organisation, and {@link #diffTo} tells what the next sync of
 * each source should report. Taking one costs nothing (the applied changes are immutable); the
 * diff reads both organisations whole, so it suits the small organisations tests use.
 */
public final class OrgSnapshot {

    private final SchoolOrg school;
    private final CompanyOrg company;

    OrgSnapshot(SchoolOrg school, CompanyOrg company) {
        this.school = school.frozen();
        this.company = company.frozen();
    }

    /** The school as it was; its {@code change()} refuses. */
    public SchoolOrg school() {
        return school;
    }

    public CompanyOrg company() {
        return company;
    }

    /** What a sync of {@code source} run at {@code later} should report against one run at this snapshot. */
    public OrgDiff diffTo(OrgSnapshot later, Vendor source) {
        return OrgDiff.between(source, ExpectedRecords.of(source, school, company),
                ExpectedRecords.of(source, later.school, later.company));
    }
}
