package io.orgsync.sink.webhook;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.sink.file.FileLayout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Messages that were not delivered, one JSON file each:
 * {@code <orgsync.file.dir>/dead-letter/<runId>/<url index>-<position>.json}, holding the URL, the
 * headers of the last attempt (the signature is not a secret; the secret is never written), why it
 * failed, and the body exactly as signed, embedded as JSON so that {@code jq} reads it.
 */
final class DeadLetters {

    static final String DIR = "dead-letter";

    /** Hidden and unlike the file sink's {@code .tmp-}, whose start-up clean-up walks these folders too. */
    private static final String WRITING_PREFIX = ".writing-";
    private static final Pattern NAME = Pattern.compile("(\\d+)-(\\d+)\\.json");

    private DeadLetters() {
    }

    /** What a dead-letter file says; {@code body} is the exact JSON text that was signed. */
    @JsonPropertyOrder({"runId", "type", "webhookId", "url", "urlIndex", "position", "attempts", "failedAt",
            "lastError", "headers", "body"})
    record Letter(String runId, String type, String webhookId, String url, int urlIndex, int position, int attempts,
                  String failedAt, String lastError, Map<String, String> headers, @JsonRawValue String body) {

        byte[] bodyBytes() {
            return body.getBytes(StandardCharsets.UTF_8);
        }
    }

    record Stored(Path file, Letter letter) {
    }

    static Path runDir(Path deadLetterRoot, String runId) {
        return deadLetterRoot.resolve(FileLayout.segment("runId", runId));
    }

    static String fileName(int urlIndex, int position) {
        return urlIndex + "-" + String.format("%06d", position) + ".json";
    }

    /** Write, fsync, rename: a crash leaves the old file or a whole new one, never half a message. */
    static Path write(Path runDir, WebhookEndpoint endpoint, WebhookMessage message, int attempts, String lastError,
                      Map<String, String> headers, Instant failedAt) throws IOException {
        Files.createDirectories(runDir);
        Letter letter = new Letter(message.runId(), message.type(), message.id(), endpoint.url().toString(),
                endpoint.index(), message.position(), attempts, failedAt.toString(), lastError,
                new LinkedHashMap<>(headers), new String(message.body(), StandardCharsets.UTF_8));
        byte[] bytes = CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(letter);
        Path target = runDir.resolve(fileName(endpoint.index(), message.position()));
        Path temporary = runDir.resolve(WRITING_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        forceDirectory(runDir);
        return target;
    }

    /**
     * Every dead-letter file under {@code dir} (a run's folder, or the {@code dead-letter} folder
     * holding many), oldest run first, then by URL and position: the order they must be re-sent in.
     */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path f) -> f.getParent().getFileName().toString())
                            .thenComparingLong(f -> number(f, 1))
                            .thenComparingLong(f -> number(f, 2)))
                    .toList();
        }
    }

    static Letter read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonNode tree;
        try {
            tree = CanonicalJson.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IOException("not a JSON object");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode headerNode = tree.path("headers");
        headerNode.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        Letter letter = new Letter(text(tree, "runId"), text(tree, "type"), text(tree, "webhookId"), text(tree, "url"),
                tree.path("urlIndex").asInt(), tree.path("position").asInt(), tree.path("attempts").asInt(),
                tree.path("failedAt").asText(null), tree.path("lastError").asText(null), headers, rawBody(text));
        if (letter.webhookId().isBlank()) {
            throw new IOException("webhookId is empty");
        }
        try {
            new java.net.URI(letter.url());
        } catch (java.net.URISyntaxException e) {
            throw new IOException("url is not a URL");
        }
        return letter;
    }

    /**
     * The body's text exactly as written, cut out of the file by the parser's offsets: re-printing
     * a parsed tree could change a number's spelling, and a receiver comparing the redelivered body
     * with the first copy it saw under the same id should find the same bytes.
     */
    private static String rawBody(String text) throws IOException {
        try (JsonParser parser = CanonicalJson.MAPPER.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("body".equals(field)) {
                    if (value != JsonToken.START_OBJECT) {
                        throw new IOException("body is not a JSON object");
                    }
                    int start = (int) parser.currentTokenLocation().getCharOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentLocation().getCharOffset();
                    return text.substring(start, end);
                }
                parser.skipChildren();
            }
        }
        throw new IOException("no body");
    }

    private static String text(JsonNode tree, String field) throws IOException {
        JsonNode node = tree.get(field);
        if (node == null || !node.isTextual()) {
            throw new IOException(field + " is missing");
        }
        return node.asText();
    }

    private static long number(Path file, int group) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(group)) : 0;
    }

    /** Makes the new name durable; not every platform can open a directory, and then the rename must do. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort (Windows cannot open a directory); the file itself is already on disk
        }
    }
}
