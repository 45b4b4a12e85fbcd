package io.orgsync.run;

import io.orgsync.config.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrivacyTest {

    private static Privacy load(Map<String, String> settings) {
        return Privacy.load(key -> Optional.ofNullable(settings.get(key)));
    }

    @Test
    void masksMobilesKeepingThreeAndFourAndEmailsKeepingTheFirstCharacterAndTheDomain() {
        assertThat(Privacy.maskMobile("13812345678")).isEqualTo("138****5678");
        assertThat(Privacy.maskMobile("+8613812345678")).isEqualTo("+86*******5678");
        assertThat(Privacy.maskMobile("138-1234-5678")).isEqualTo("138-****-5678");
        assertThat(Privacy.maskMobile("1234567")).isEqualTo("*****67");
        assertThat(Privacy.maskEmail("zhang.san@example.com")).isEqualTo("z***@example.com");
        assertThat(Privacy.maskEmail("张三@例子.cn")).isEqualTo("张***@例子.cn");
        assertThat(Privacy.maskEmail("no-at-sign")).isEqualTo("***");
    }

    @Test
    void hashesAreKeyedStableAndIgnoreFormatting() {
        Privacy a = load(Map.of("orgsync.privacy.mobile", "hashed", "orgsync.privacy.email", "HASHED",
                "orgsync.privacy.hash-key", "0123456789abcdef-key-a"));
        Privacy b = load(Map.of("orgsync.privacy.mobile", "hashed", "orgsync.privacy.hash-key",
                "0123456789abcdef-key-b"));
        String hashed = a.transform(Privacy.Mode.HASHED, "138 1234 5678", true);

        assertThat(hashed).matches("hmac-sha256:[0-9a-f]{64}")
                .isEqualTo(a.transform(Privacy.Mode.HASHED, "138-1234-5678", true))
                .isNotEqualTo(b.transform(Privacy.Mode.HASHED, "13812345678", true));
        assertThat(a.transform(Privacy.Mode.HASHED, " Zhang@Example.com ", false))
                .isEqualTo(a.transform(Privacy.Mode.HASHED, "zhang@example.com", false));
        assertThat(a.toString()).doesNotContain("key-a");
    }

    @Test
    void defaultsToPlainAndRejectsUnknownValuesAndMissingOrShortKeys() {
        assertThat(load(Map.of()).isPlain()).isTrue();
        assertThat(load(Map.of("orgsync.privacy.email", "omitted")).transform(Privacy.Mode.OMITTED, "a@b.c", false))
                .isNull();
        assertThatThrownBy(() -> load(Map.of("orgsync.privacy.mobile", "redacted")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("orgsync.privacy.mobile")
                .hasMessageContaining("plain, masked, hashed, omitted");
        assertThatThrownBy(() -> load(Map.of("orgsync.privacy.email", "hashed")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("orgsync.privacy.hash-key");
        assertThatThrownBy(() -> load(Map.of("orgsync.privacy.email", "hashed", "orgsync.privacy.hash-key", "short")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 16");
    }
}
