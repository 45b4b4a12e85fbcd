package io.orgsync;

import org.apache.camel.spi.MaskingFormatter;
import org.apache.camel.support.processor.DefaultMaskingFormatter;
import org.apache.camel.util.SensitiveUtils;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Camel's log mask (bound as {@value MaskingFormatter#CUSTOM_LOG_MASK_REF}) with the vendors' own
 * names for secrets added: Camel's built-in list masks {@code access_token} and {@code password}
 * but not the JSON keys the vendors answer with ({@code tenant_access_token}, {@code app_secret})
 * nor their query parameters ({@code corpsecret}, Wuhan's {@code app_key}), so a body or URI that
 * reaches the Log EIP or message history would otherwise print them (checked with Camel 4.18).
 */
public final class VendorLogMask extends DefaultMaskingFormatter {

    /** Vendor spellings, as they appear in JSON keys, query parameters and form fields. */
    static final Set<String> VENDOR_KEYS = Set.of(
            "access_token", "tenant_access_token", "app_access_token", "user_access_token", "refresh_token",
            "app_secret", "appSecret", "corpsecret", "corp_secret", "corp-secret", "secret",
            "app_key", "appKey", "app-key", "appkey", "app-secret", "sign", "signature", "token",
            "Authorization", "password");

    public VendorLogMask() {
        super(keywords(), true, true, true);
    }

    private static Set<String> keywords() {
        Set<String> keys = new LinkedHashSet<>(SensitiveUtils.getSensitiveKeys());
        keys.addAll(VENDOR_KEYS);
        return keys;
    }
}
