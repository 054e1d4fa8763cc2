package dev.loci.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A longer, noisier history built from LoCoMo itself: each conversation's user is also given the
 * sessions of {@code n} other conversations, as if the same two people had said them.
 *
 * <p>LoCoMo conversations are 300-700 turns, all of them about the two speakers; the histories
 * agents keep grow longer and are mostly about other things. A step that only works when every
 * memory is near the question shows up here as a loss. The other conversations' speakers are
 * renamed to this conversation's (first speaker to first speaker, second to second, in their
 * turns and wherever their names occur in the text), so a name does not give a distractor away;
 * their sessions keep their own dates, interleaving with this conversation's; their turns get
 * client ids no evidence list uses, so they can only cost recall, never add to it.
 *
 * <p>The distractors of a conversation are the ones after it in its pool, wrapping around: with
 * {@code --split} each half is its own pool, so no tuning conversation borrows held-out text.
 */
final class Haystack {
    /** Client ids of distractor turns start with this. */
    static final String PREFIX = "haystack-";

    /** One session to remember in a conversation's user scope. */
    record Placed(LocomoDataset.Session session, String sessionId, String idPrefix) {
    }

    private Haystack() {
    }

    /**
     * The conversation's own sessions and those of its {@code n} distractors, in date order.
     *
     * @param pool the conversations it may borrow from (including itself)
     */
    static List<Placed> sessions(LocomoDataset.Conversation c, List<LocomoDataset.Conversation> pool, int n) {
        var out = new ArrayList<Placed>();
        c.sessions().forEach(s -> out.add(new Placed(s, "session_" + s.number(), "")));
        int at = pool.indexOf(c);
        if (n > 0 && (at < 0 || n >= pool.size())) {
            throw new dev.loci.InvalidInputException("--haystack", "needs more than " + n
                    + " conversations in each pool, there are " + pool.size());
        }
        for (int i = 1; i <= n; i++) {
            LocomoDataset.Conversation d = pool.get((at + i) % pool.size());
            Map<String, String> names = names(d, c);
            for (var s : d.sessions()) {
                out.add(new Placed(renamed(s, names), "haystack_" + d.sampleId() + "_session_" + s.number(),
                        PREFIX + d.sampleId() + "-"));
            }
        }
        out.sort(Comparator.comparing((Placed p) -> p.session().date()));
        return out;
    }

    /** The speakers of {@code from}, in order of first appearance, to those of {@code to}. */
    static Map<String, String> names(LocomoDataset.Conversation from, LocomoDataset.Conversation to) {
        List<String> a = speakers(from);
        List<String> b = speakers(to);
        var out = new HashMap<String, String>();
        for (int i = 0; i < a.size() && i < b.size(); i++) {
            out.put(a.get(i), b.get(i));
        }
        return out;
    }

    static LocomoDataset.Session renamed(LocomoDataset.Session s, Map<String, String> names) {
        var turns = new ArrayList<LocomoDataset.Turn>(s.turns().size());
        for (var t : s.turns()) {
            turns.add(new LocomoDataset.Turn(t.diaId(), names.getOrDefault(t.speaker(), t.speaker()),
                    replace(t.text(), names), t.caption() == null ? null : replace(t.caption(), names)));
        }
        return new LocomoDataset.Session(s.number(), s.date(), turns);
    }

    /** Every whole-word occurrence of a key replaced by its value, all at once (so swaps work). */
    static String replace(String text, Map<String, String> names) {
        if (names.isEmpty() || text == null) {
            return text;
        }
        var alternatives = new StringBuilder();
        names.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed()).forEach(k -> {
            alternatives.append(alternatives.isEmpty() ? "" : "|").append(Pattern.quote(k));
        });
        Matcher m = Pattern.compile("\\b(?:" + alternatives + ")\\b").matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(names.get(r.group())));
    }

    private static List<String> speakers(LocomoDataset.Conversation c) {
        var out = new LinkedHashSet<String>();
        c.sessions().forEach(s -> s.turns().forEach(t -> out.add(t.speaker())));
        return new ArrayList<>(out);
    }
}
