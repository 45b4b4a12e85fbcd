package io.orgsync.run;

import io.orgsync.config.ConfigurationException;
import io.orgsync.model.Member;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What members' mobiles and emails become before any sink sees them (PIPL data minimisation).
 * Applied once per run, before change detection, so exports, database rows, webhooks and the
 * comparison with the previous run all hold the same value.
 *
 * <ul>
 *   <li>{@code plain}: as the vendor sent it.</li>
 *   <li>{@code masked}: mobile {@code 13812345678} → {@code 138****5678} (first 3 and last 4
 *       characters kept, every digit between replaced; shorter than 8 characters: all but the
 *       last 2); email {@code zhang.san@example.com} → {@code z***@example.com}.</li>
 *   <li>{@code hashed}: {@code hmac-sha256:} + 64 hex digits of HMAC-SHA256 keyed with
 *       {@code orgsync.privacy.hash-key}, over the mobile without spaces and dashes or the email
 *       trimmed and lower-cased. A plain (or salted-but-stored-beside) hash of an 11-digit
 *       mobile is reversible: there are only about 10^10 candidates, enumerated in minutes, so
 *       the key is required and must be kept secret like a password. Even keyed, the value is
 *       pseudonymised, not anonymised, personal information: whoever holds the key can reverse it
 *       the same way. The same key gives the same value in every run and source, so records stay
 *       joinable and unchanged members are not reported as updated.</li>
 *   <li>{@code omitted}: null, as if the vendor had not sent it.</li>
 * </ul>
 */
public record Privacy(Mode mobile, Mode email, byte[] hashKey) {

    public static final String MOBILE_KEY = "orgsync.privacy.mobile";
    public static final String EMAIL_KEY = "orgsync.privacy.email";
    public static final String HASH_KEY_KEY = "orgsync.privacy.hash-key";
    /** Short keys make the HMAC brute-forceable on top of the value. */
    static final int MIN_HASH_KEY_LENGTH = 16;
    private static final String HASH_PREFIX = "hmac-sha256:";

    public enum Mode {
        PLAIN, MASKED, HASHED, OMITTED;

        static Mode of(String key, String value) {
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            throw new ConfigurationException(key, "unknown value '" + value + "' (known: plain, masked, hashed, omitted)");
        }
    }

    public static final Privacy PLAIN = new Privacy(Mode.PLAIN, Mode.PLAIN, null);

    /** @param lookup resolves a key; empty when unset or blank */
    public static Privacy load(Function<String, Optional<String>> lookup) {
        Mode mobile = Mode.of(MOBILE_KEY, lookup.apply(MOBILE_KEY).map(String::strip).orElse("plain"));
        Mode email = Mode.of(EMAIL_KEY, lookup.apply(EMAIL_KEY).map(String::strip).orElse("plain"));
        byte[] key = null;
        if (mobile == Mode.HASHED || email == Mode.HASHED) {
            String value = lookup.apply(HASH_KEY_KEY).orElse("");
            if (value.isBlank()) {
                throw new ConfigurationException(HASH_KEY_KEY, "missing; 'hashed' needs a secret key (without one "
                        + "an 11-digit mobile's hash is reversed by trying every number)");
            }
            if (value.length() < MIN_HASH_KEY_LENGTH) {
                throw new ConfigurationException(HASH_KEY_KEY, "too short: use at least " + MIN_HASH_KEY_LENGTH
                        + " random characters");
            }
            key = value.getBytes(StandardCharsets.UTF_8);
        }
        return new Privacy(mobile, email, key);
    }

    public boolean isPlain() {
        return mobile == Mode.PLAIN && email == Mode.PLAIN;
    }

    public List<Member> apply(List<Member> members) {
        if (isPlain()) {
            return members;
        }
        return members.stream().map(this::apply).toList();
    }

    public Member apply(Member m) {
        String newMobile = transform(mobile, m.mobile(), true);
        String newEmail = transform(email, m.email(), false);
        return new Member(m.source(), m.tenant(), m.id(), m.name(), m.role(), m.departmentIds(), newMobile, newEmail,
                m.status(), m.relations(), m.attributes());
    }

    String transform(Mode mode, String value, boolean isMobile) {
        if (value == null || mode == Mode.PLAIN) {
            return value;
        }
        return switch (mode) {
            case PLAIN -> value;
            case OMITTED -> null;
            case MASKED -> isMobile ? maskMobile(value) : maskEmail(value);
            case HASHED -> hash(isMobile ? value.replaceAll("[\\s-]", "") : value.strip().toLowerCase(Locale.ROOT));
        };
    }

    static String maskMobile(String mobile) {
        int n = mobile.length();
        int keepHead = n >= 8 ? 3 : 0;
        int keepTail = n >= 8 ? 4 : Math.min(2, n);
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = mobile.charAt(i);
            boolean kept = i < keepHead || i >= n - keepTail;
            out.append(kept || !Character.isLetterOrDigit(c) ? c : '*');
        }
        return out.toString();
    }

    static String maskEmail(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.substring(0, email.offsetByCodePoints(0, 1)) + "***" + email.substring(at);
    }

    private String hash(String normalised) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hashKey, "HmacSHA256"));
            return HASH_PREFIX + HexFormat.of().formatHex(mac.doFinal(normalised.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The key stays out of toString, so settings printed in a log line never show it. */
    @Override
    public String toString() {
        return "Privacy[mobile=" + mobile + ", email=" + email + (hashKey == null ? "" : ", hashKey=***") + "]";
    }
}
