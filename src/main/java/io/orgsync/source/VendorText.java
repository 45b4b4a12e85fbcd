package io.orgsync.source;

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

    /**
     * A vendor field's value, or null when it is blank: vendors send "" for what an app may not
     * see (WeCom's mobiles and mails for apps created after 2022-06-20, Feishu's without the field
     * scope, WeCom school's parent mobiles for third-party apps), and "" is not a value.
     */
    public static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
