package io.orgsync.run;

import java.io.IOException;

/**
 * Where the last successful snapshot of a source and tenant is kept. Until the database state
 * store exists, the file sink's latest published run serves.
 */
public interface StateStore {

    PreviousRun load(String source, String tenant) throws IOException;
}
