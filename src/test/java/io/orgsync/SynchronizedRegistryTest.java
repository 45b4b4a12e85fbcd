package io.orgsync;

import io.orgsync.config.SourceName;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.apache.camel.support.DefaultRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SynchronizedRegistryTest {

    /** A tenant binding its beans while another thread looks one up by type, as a Pipe's sink Kamelet does. */
    @Test
    void bindingWhileAnotherThreadLooksUpByTypeNeitherFailsNorLosesABean() throws Exception {
        SynchronizedRegistry registry = new SynchronizedRegistry();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> binding = threads.submit(() -> {
                for (int i = 0; i < 2_000; i++) {
                    registry.bind("bean" + i, Integer.class, i);
                }
            });
            Future<?> looking = threads.submit(() -> {
                while (!binding.isDone()) {
                    registry.findByType(Integer.class);
                    // the lock is not fair: without a pause the lookups could keep the binder out
                    Thread.yield();
                }
            });
            binding.get(60, TimeUnit.SECONDS);
            looking.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(registry.findByType(Integer.class)).hasSize(2_000);
    }

    @Test
    void theBundlesContextKeepsItsBeansInTheSynchronizedRegistry(@TempDir Path exports) {
        try (VendorSimulator simulator = VendorSimulator.start();
             OrgSyncApp app = Harness.start(Harness.overrides(simulator, exports, Sources.WECOM))) {
            DefaultRegistry registry = (DefaultRegistry) app.context().getRegistry();
            assertThat(registry.getFallbackRegistry()).isInstanceOf(SynchronizedRegistry.class);
            assertThat(registry.lookupByName("runs")).as("beans bound before the swap are kept").isNotNull();
        }
    }
}
