package io.orgsync.hardening;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.FaultInjector;
import io.orgsync.simulator.FaultInjector.Hostile;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How much the old generation grows while a vendor offers a 400 MB answer to a bundle capped at
 * 8 MB: the heap figure that was an assertion in {@link HostileInputTest} (which keeps the
 * behaviour: the answer is refused after reading about the cap). Not part of the normal build;
 * {@code mvn -B -Pbench test -Dtest=HugeAnswerBenchmark} prints it. A body read whole would be a
 * humongous array in the old generation; the old assertion allowed a quarter of the offered size.
 */
class HugeAnswerBenchmark {

    private static final int CAP_MB = 8;

    @TempDir
    Path root;

    @Test
    void oldGenerationGrowthWhileAHugeAnswerIsOffered() {
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults()
                .withCompany(new CompanyShape(10, 3, 60)))) {
            Map<String, String> overrides = Harness.overrides(simulator, root.resolve("exports"), Sources.WECOM);
            overrides.put("orgsync.http.max-response-mb", String.valueOf(CAP_MB));
            try (OrgSyncApp app = Harness.start(overrides)) {
                assertThat(app.sync(Sources.WECOM).manifest().status()).isEqualTo(RunStatus.SUCCESS);
                List<MemoryPoolMXBean> oldGen = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP && p.getName().matches(".*(Old|Tenured).*"))
                        .toList();
                oldGen.forEach(MemoryPoolMXBean::resetPeakUsage);
                long oldBefore = oldGen.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
                simulator.faults().hostileBodyAlways("/cgi-bin/department/list", Hostile.HUGE_BODY);
                Manifest failed = app.sync(Sources.WECOM).manifest();
                simulator.faults().clear();
                long oldPeak = oldGen.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                assertThat(failed.status()).isEqualTo(RunStatus.FAILED);

                System.out.println("==== huge vendor answer ====");
                System.out.printf("%d MB offered, cap %d MB, %d MB sent before the client hung up, "
                                + "old generation +%d MB%n", FaultInjector.HUGE_BODY_BYTES >> 20, CAP_MB,
                        simulator.streamedBytes() >> 20, (oldPeak - oldBefore) >> 20);
            }
        }
    }
}
