package io.orgsync.sink.jdbc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.orgsync.model.CanonicalJson;
import io.orgsync.run.RunFailedException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a load needs of a compact state line: the kind, the id and a department's path, read
 * without building the record; a line of another source or tenant fails the load.
 */
record CompactLine(boolean department, String id, String path) {

    static CompactLine of(byte[] line, String source, String tenant) {
        try (JsonParser parser = CanonicalJson.MAPPER.getFactory().createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("not a JSON object");
            }
            String kind = null;
            String lineSource = null;
            String lineTenant = null;
            String id = null;
            String path = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "kind" -> kind = parser.getValueAsString();
                    case "source" -> lineSource = parser.getValueAsString();
                    case "tenant" -> lineTenant = parser.getValueAsString();
                    case "id" -> id = parser.getValueAsString();
                    case "path" -> {
                        List<String> ids = new ArrayList<>();
                        if (value == JsonToken.START_ARRAY) {
                            while (parser.nextToken() != JsonToken.END_ARRAY) {
                                ids.add(parser.getValueAsString());
                            }
                        }
                        path = String.join("/", ids);
                    }
                    default -> parser.skipChildren();
                }
                boolean member = "member".equals(kind);
                if (member && lineSource != null && lineTenant != null && id != null) {
                    break;
                }
            }
            if (!source.equals(lineSource) || !tenant.equals(lineTenant) || id == null
                    || !("member".equals(kind) || "department".equals(kind) && path != null)) {
                throw new IllegalStateException("a " + kind + " of " + lineSource + "/" + lineTenant);
            }
            return new CompactLine("department".equals(kind), id, path);
        } catch (IOException | IllegalStateException e) {
            throw new RunFailedException("the compact state of " + source + "/" + tenant
                    + " holds a line that is not one of its records: " + e.getMessage(), e);
        }
    }
}
