package io.orgsync.source.wecom;

import io.orgsync.run.RunFailedException;

/**
 * WeCom errcode 48009: a contact-sync (通讯录同步) secret called from an IP added after 2022-08-15
 * may not read details ({@code department/list}, {@code user/list}). A type of its own because the
 * {@code wecom} routes catch it and switch to the id-only APIs; anywhere else it fails the run
 * like any other refusal, with this message.
 */
public final class ContactSyncRefused extends RunFailedException {

    private final String path;

    public ContactSyncRefused(String where, String path, String detail) {
        super(where + ": contact-sync secrets may not read details from a new IP "
                + "(use department/simplelist and user/list_id), " + detail);
        this.path = path;
    }

    /** The refused API path, e.g. {@code /cgi-bin/user/list}. */
    public String path() {
        return path;
    }
}
