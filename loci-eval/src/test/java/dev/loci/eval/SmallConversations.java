package dev.loci.eval;

import dev.loci.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written small-conversation suite ({@code small/conversations.txt}): each case is a
 * short conversation, a question and a fragment the top-1 result must contain. The format is
 * described at the top of the file.
 */
final class SmallConversations {
    /** One case: its name, the phenomenon it covers, the question, when it is asked, and the turns. */
    record Case(String name, String phenomenon, String question, Instant at, String expect, List<Message> turns) {
    }

    private SmallConversations() {
    }

    static List<Case> load() throws IOException {
        try (InputStream in = SmallConversations.class.getResourceAsStream("/small/conversations.txt")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static List<Case> parse(String text) {
        List<Case> cases = new ArrayList<>();
        Builder b = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("case:")) {
                if (b != null) {
                    cases.add(b.build());
                }
                String[] parts = line.substring(5).split("\\|");
                b = new Builder(parts[0].strip(), parts[1].strip());
            } else if (line.startsWith("ask:")) {
                b.question = line.substring(4).strip();
            } else if (line.startsWith("expect:")) {
                b.expect = line.substring(7).strip();
            } else if (line.startsWith("at:")) {
                b.at = day(line.substring(3).strip());
            } else if (line.startsWith("session:")) {
                b.session = day(line.substring(8).strip());
                b.minute = 0;
            } else {
                int colon = line.indexOf(':');
                String speaker = line.substring(0, colon).strip();
                Instant t = b.session.plusSeconds(60L * b.minute++);
                b.turns.add(Message.of(speaker, line.substring(colon + 1).strip(), t)
                        .withClientId(b.name + "-" + b.turns.size()));
            }
        }
        if (b != null) {
            cases.add(b.build());
        }
        return cases;
    }

    private static Instant day(String iso) {
        return LocalDate.parse(iso).atTime(12, 0).toInstant(ZoneOffset.UTC);
    }

    private static final class Builder {
        final String name;
        final String phenomenon;
        final List<Message> turns = new ArrayList<>();
        String question;
        String expect;
        Instant at;
        Instant session;
        int minute;

        Builder(String name, String phenomenon) {
            this.name = name;
            this.phenomenon = phenomenon;
        }

        Case build() {
            Instant asked = at != null ? at : session.plusSeconds(86_400);
            long holders = turns.stream().filter(m -> m.text().contains(expect)).count();
            if (question == null || expect == null || holders != 1) {
                throw new IllegalStateException("case " + name + ": needs ask, expect and exactly one turn containing '"
                        + expect + "' (found " + holders + ")");
            }
            return new Case(name, phenomenon, question, asked, expect, List.copyOf(turns));
        }
    }
}
