package io.orgsync.simulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long the simulator takes to generate large organisations: the figures that were timing
 * assertions in {@link OrgGeneratorTest}, which now checks only what is generated. Not part of the
 * normal build; {@code mvn -B -Pbench test -Dtest=GeneratorBenchmark} prints them. The old
 * assertions allowed 2 s for the 100,000-member school and 8 s for the million-member school and
 * company together; members are built on access, so these figures time the generation, not
 * reading every record.
 */
class GeneratorBenchmark {

    @Test
    void generationTimes() {
        // warm-up: the first generation also loads and compiles the generator's classes
        SchoolOrg.generate(new SchoolShape(4, 3, 6, 10, 55), 10, null);

        long start = System.nanoTime();
        SchoolOrg school = SchoolOrg.generate(new SchoolShape(4, 3, 6, 10, 55), 11, null);
        long schoolMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(school.memberCount()).isGreaterThanOrEqualTo(100_000);

        start = System.nanoTime();
        SchoolOrg bigSchool = SchoolOrg.generate(new SchoolShape(15, 3, 6, 30, 50), 12, null);
        long bigSchoolMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        CompanyOrg company = CompanyOrg.generate(new CompanyShape(20_000, 10, 1_000_000), 12);
        long companyMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(bigSchool.memberCount()).isGreaterThanOrEqualTo(1_000_000);
        assertThat(company.employeeCount()).isEqualTo(1_000_000);

        System.out.println("==== simulator generation ====");
        System.out.printf("school of %,d members: %d ms%n", school.memberCount(), schoolMillis);
        System.out.printf("school of %,d members: %d ms%n", bigSchool.memberCount(), bigSchoolMillis);
        System.out.printf("company of %,d employees: %d ms%n", company.employeeCount(), companyMillis);
        System.out.printf("a million-member school and company together: %d ms%n", bigSchoolMillis + companyMillis);
    }
}
