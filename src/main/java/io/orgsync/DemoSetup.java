package io.orgsync;

import io.orgsync.config.JdbcSettings;
import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.VendorSimulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Points every source that has a route at the built-in simulator, for {@code --demo}. */
public final class DemoSetup {

    private DemoSetup() {
    }

    static Map<String, String> overrides(VendorSimulator simulator, Path routesDir) {
        Path routes = routesDir == null ? Path.of("routes") : routesDir;
        Map<String, String> overrides = simulatorSettings(simulator);
        List<String> sources = new ArrayList<>();
        for (SourceName source : SourceName.values()) {
            if (Files.exists(routes.resolve(source.id() + ".camel.yaml"))) {
                sources.add(source.id());
            }
            // the demo org is small and local: the vendors' production limits would only slow it down
            overrides.put(source.key("max-requests-per-second"), "1000");
            overrides.put(source.key("max-requests-per-minute"), "60000");
        }
        overrides.put("orgsync.sources", String.join(",", sources));
        overrides.put("orgsync.file.dir", "exports");
        // the files and the tables, so both can be looked at; never a configured webhook receiver,
        // which has no business with the simulator's people
        overrides.put("orgsync.sinks", "file,jdbc");
        // the demo writes to the embedded database, whatever the file configures: it never touches a real one
        overrides.put("orgsync.jdbc.url", JdbcSettings.DEFAULT_URL);
        overrides.put("orgsync.jdbc.username", "");
        overrides.put("orgsync.jdbc.password", "");
        return overrides;
    }

    /** Every source's base URL and credentials pointed at {@code simulator} (also what tests use). */
    public static Map<String, String> simulatorSettings(VendorSimulator simulator) {
        var credentials = simulator.credentials();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (SourceName source : SourceName.values()) {
            overrides.put(source.key("base-url"), simulator.baseUrl());
            credentials.settingsFor(source.id()).forEach((suffix, value) -> overrides.put(source.key(suffix), value));
        }
        return overrides;
    }

    /** One line per run: what was synced and where to find it. */
    static String describe(Manifest manifest, OrgSyncSettings settings) {
        String head = manifest.source() + " (tenant " + manifest.tenant() + "): " + manifest.status().wireName()
                + ", " + manifest.departments() + " departments, " + manifest.members() + " members, "
                + manifest.apiCalls() + " API calls";
        if (manifest.status() == RunStatus.SUCCESS) {
            Path tenantDir = settings.fileDir().resolve(manifest.source()).resolve(manifest.tenant());
            return head + "\n  run directory: " + tenantDir.resolve(manifest.runId()) + "/"
                    + "\n  latest:        " + tenantDir.resolve("latest.json")
                    + "\n  database:      " + settings.jdbc().redactedUrl() + " (tables orgsync_*)";
        }
        return head + "\n  " + manifest.error();
    }
}
