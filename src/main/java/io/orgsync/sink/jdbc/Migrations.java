package io.orgsync.sink.jdbc;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a Flyway migration that several replicas may start at the same moment. On an empty
 * database one of them creates the history table while another, seeing it exist but empty,
 * fails its baseline; a retry then finds the history written and has nothing left to do.
 */
public final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final int ATTEMPTS = 5;

    private Migrations() {
    }

    public static MigrateResult migrate(Flyway flyway) {
        for (int attempt = 1; ; attempt++) {
            try {
                return flyway.migrate();
            } catch (FlywayException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                long pause = 200L * attempt + ThreadLocalRandom.current().nextLong(200);
                LOG.info("schema migration attempt {} failed, probably racing another replica; retrying in {} ms: {}",
                        attempt, pause, e.getMessage().lines().findFirst().orElse(""));
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
