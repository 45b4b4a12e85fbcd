package io.orgsync;

import io.orgsync.config.SourceName;
import io.orgsync.source.SourceDefinition;
import org.apache.camel.spi.MaskingFormatter;
import org.apache.camel.support.processor.DefaultMaskingFormatter;
import org.apache.camel.util.SensitiveUtils;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Camel's log mask (bound as {@value MaskingFormatter#CUSTOM_LOG_MASK_REF}) with the vendors' own
 * names for secrets added, as each source's definition spells them
 * ({@link SourceDefinition#secretNames}): Camel's built-in list masks {@code access_token} and
 * {@code password} but not the JSON keys the vendors answer with ({@code tenant_access_token},
 * {@code app_secret}) nor their query parameters ({@code corpsecret}), so a body or URI that
 * reaches the Log EIP or message history would otherwise print them (checked with Camel 4.18).
 */
public final class VendorLogMask extends DefaultMaskingFormatter {

    /** Words that name a secret whatever the source: headers, signatures, our own keys. */
    static final Set<String> GENERAL_KEYS = Set.of("access_token", "secret", "sign", "signature", "token",
            "Authorization", "password");

    public VendorLogMask() {
        super(keywords(), true, true, true);
    }

    private static Set<String> keywords() {
        Set<String> keys = new LinkedHashSet<>(SensitiveUtils.getSensitiveKeys());
        keys.addAll(GENERAL_KEYS);
        for (SourceName source : SourceName.values()) {
            keys.addAll(source.definition().secretNames());
        }
        return keys;
    }
}
