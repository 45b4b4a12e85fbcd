package io.orgsync.sink.file;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.orgsync.model.CanonicalJson;

/**
 * Readers on {@link CanonicalJson#MAPPER} that give back exactly the JSON text we wrote. By default
 * Jackson (2.15+) strips trailing zeros from decimals while building a tree, so an attribute
 * written as {@code 1.50} would come back as {@code 1.5}: the previous run's record would then differ
 * from an unchanged current one and be reported as updated on every run.
 */
final class LosslessJson {

    static final ObjectReader READER = CanonicalJson.MAPPER.reader()
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            // two values glued onto one line are damage, not the first value
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private LosslessJson() {
    }
}
