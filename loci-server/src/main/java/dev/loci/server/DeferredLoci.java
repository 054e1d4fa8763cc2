package dev.loci.server;

import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.ListQuery;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.MemoryPage;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.UserPage;
import dev.loci.spi.StoreStats;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link Loci} that asks the server for its engine on every call, for what is built before the
 * engine is open (the MCP servlet): while the server starts or stops, each call fails with the
 * same "not ready" error the REST routes answer 503 with. Closing it closes nothing; the server
 * owns the engine. Thread-safe.
 */
final class DeferredLoci implements Loci {
    private final Supplier<Loci> engine;

    DeferredLoci(Supplier<Loci> engine) {
        this.engine = engine;
    }

    @Override
    public RememberResult remember(Scope scope, List<Message> messages) {
        return engine.get().remember(scope, messages);
    }

    @Override
    public RecallResult recall(Scope scope, RecallQuery query) {
        return engine.get().recall(scope, query);
    }

    @Override
    public Optional<Memory> get(Scope scope, String id) {
        return engine.get().get(scope, id);
    }

    @Override
    public ContextBlock context(Scope scope, RecallQuery query, int tokenBudget) {
        return engine.get().context(scope, query, tokenBudget);
    }

    @Override
    public Optional<Memory> update(Scope scope, String id, String text) {
        return engine.get().update(scope, id, text);
    }

    @Override
    public List<Memory> history(Scope scope, String id) {
        return engine.get().history(scope, id);
    }

    @Override
    public boolean forget(Scope scope, String id) {
        return engine.get().forget(scope, id);
    }

    @Override
    public ForgetResult forget(Scope scope, MemoryFilter filter) {
        return engine.get().forget(scope, filter);
    }

    @Override
    public ForgetResult purge(Scope scope) {
        return engine.get().purge(scope);
    }

    @Override
    public MemoryPage list(Scope scope, ListQuery query) {
        return engine.get().list(scope, query);
    }

    @Override
    public UserPage users(String tenant, String cursor, int limit) {
        return engine.get().users(tenant, cursor, limit);
    }

    @Override
    public long count(Scope scope, MemoryFilter filter) {
        return engine.get().count(scope, filter);
    }

    @Override
    public void compact() {
        engine.get().compact();
    }

    @Override
    public Optional<Memory> pin(Scope scope, String id, boolean pinned) {
        return engine.get().pin(scope, id, pinned);
    }

    @Override
    public long evictExpired() {
        return engine.get().evictExpired();
    }

    @Override
    public StoreStats stats() {
        return engine.get().stats();
    }

    @Override
    public boolean awaitConsolidation(Duration timeout) {
        return engine.get().awaitConsolidation(timeout);
    }

    @Override
    public void awaitConsolidation() {
        engine.get().awaitConsolidation();
    }

    @Override
    public boolean awaitConsolidation(Scope scope, Duration timeout) {
        return engine.get().awaitConsolidation(scope, timeout);
    }

    @Override
    public void close() {
        // the server owns the engine and closes it
    }
}
