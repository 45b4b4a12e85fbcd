package io.orgsync.vendor;

/**
 * A vendor's own message text ({@code errmsg}, {@code msg}, {@code retDesc}, {@code message})
 * as it may appear in an error, a log line or a manifest: a vendor may echo what it was asked
 * about (a mobile, an e-mail, a token in a hint), so it is masked like an error page's title
 * ({@link UnreadableAnswer#mask}) and cut. Decisions on the text are made on the raw value;
 * only what is shown passes through here.
 */
public final class VendorText {

    private VendorText() {
    }

    public static String quote(String vendorText, int maxCharacters) {
        return vendorText == null ? "" : UnreadableAnswer.mask(vendorText, maxCharacters);
    }
}
