package dev.loci.internal.facts;

import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.spi.Statement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a FACT memory carries its statement, and whose it is: the {@code loci.*} metadata keys a
 * fact keeps its statement under, the statement read back from them, the scope facts are compared
 * in, and the rewrites of a fact's sources and validity. Shared by consolidation, the profile and
 * the repairs, so none of them calls back into another. Stateless.
 */
final class FactRecords {
    static final String SUBJECT = "loci.subject";
    static final String ATTRIBUTE = "loci.attribute";
    static final String VALUE = "loci.value";
    static final String CATEGORY = "loci.category";
    static final String SINGLE = "loci.single";
    static final String NEGATED = "loci.negated";
    /** The turn a fact was read from (its first source), for finding the facts of a deleted turn. */
    static final String TURN = "loci.turn";
    /**
     * On a PROFILE over a shared store: {@link #factSet} of the current facts it was built from, so
     * a later call can tell that facts were stored without their profile (a server stopped between
     * the two) and settle them.
     */
    static final String BUILT_FROM = "loci.builtFrom";
    /** Most current facts of one subject and attribute compared with a new statement. */
    static final int MAX_CURRENT = 1_000;

    private FactRecords() {
    }

    /** A digest of a set of facts: their ids, in any order. */
    static String factSet(Collection<Memory> facts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            facts.stream().map(Memory::id).sorted().forEach(id -> {
                digest.update(id.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The statement a FACT keeps in its metadata. */
    static Statement statementOf(Memory fact) {
        Map<String, String> md = fact.metadata();
        return new Statement(md.get(SUBJECT), md.get(ATTRIBUTE), md.get(VALUE),
                Statement.Category.valueOf(md.get(CATEGORY)), Boolean.parseBoolean(md.get(SINGLE)),
                Boolean.parseBoolean(md.get(NEGATED)), fact.text());
    }

    /** Whether the fact is about the statement's subject and attribute. */
    static boolean about(Memory fact, Statement st) {
        return st.subject().equals(fact.metadata().get(SUBJECT)) && st.attribute().equals(fact.metadata().get(ATTRIBUTE));
    }

    /** Where facts are compared: the user's scope, or the tenant's when the scope names no user. */
    static Scope owner(Scope scope) {
        return scope.userId() != null ? Scope.user(scope.tenant(), scope.userId()) : Scope.tenant(scope.tenant());
    }

    /** The user whose profile the memories of a scope feed; empty when the scope names none. */
    static Optional<Scope> userOf(Scope scope) {
        return scope.userId() == null ? Optional.empty() : Optional.of(Scope.user(scope.tenant(), scope.userId()));
    }

    /** The fact with other sources and children (its turns), importance and lifecycle. */
    static Memory withSources(Memory f, List<String> sources, List<String> children, double importance,
                              Lifecycle lifecycle) {
        return f.toBuilder().sourceIds(sources).childIds(children).importance(importance).lifecycle(lifecycle).build();
    }

    /** The fact with another end of validity ({@code null}: still valid) and lifecycle. */
    static Memory validUntil(Memory f, Instant validTo, Lifecycle lifecycle) {
        return f.toBuilder().validTo(validTo).lifecycle(lifecycle).build();
    }
}
