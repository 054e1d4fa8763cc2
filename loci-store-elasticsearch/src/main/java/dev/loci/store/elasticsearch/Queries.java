package dev.loci.store.elasticsearch;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.json.JsonData;
import dev.loci.Kind;
import dev.loci.Scope;
import dev.loci.TimeRange;
import dev.loci.spi.SearchFilter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How a {@link SearchFilter} becomes an Elasticsearch filter, mirroring the Lucene store's. The
 * tenant clause comes first and unconditionally, and every request built from a filter is also
 * routed by the tenant: no query built here can reach another tenant's memories.
 */
final class Queries {
    private Queries() {
    }

    static Query filter(SearchFilter f) {
        var b = new BoolQuery.Builder();
        Scope s = f.scope();
        b.filter(term(EsDocument.TENANT, s.tenant()));
        if (s.userId() != null) {
            b.filter(term(EsDocument.USER, s.userId()));
        }
        if (s.agentId() != null) {
            b.filter(term(EsDocument.AGENT, s.agentId()));
        }
        if (s.sessionId() != null) {
            b.filter(term(EsDocument.SESSION, s.sessionId()));
        }
        if (!f.kinds().isEmpty()) {
            List<FieldValue> kinds = f.kinds().stream().map(Kind::name).sorted().map(FieldValue::of).toList();
            b.filter(q -> q.terms(t -> t.field(EsDocument.KIND).terms(v -> v.value(kinds))));
        }
        TimeRange r = f.timeRange();
        if (r != null) {
            // half-open, as in the Lucene store: from included, to excluded
            b.filter(q -> q.range(g -> g.untyped(u -> {
                u.field(EsDocument.OCCURRED);
                if (r.from() != null) {
                    u.gte(JsonData.of(EsDocument.micros(r.from())));
                }
                if (r.to() != null) {
                    u.lt(JsonData.of(EsDocument.micros(r.to())));
                }
                return u;
            })));
        }
        f.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.filter(term(EsDocument.META, EsDocument.metaTerm(e.getKey(), e.getValue()))));
        if (f.visibleAt() != null) {
            // Not yet recorded, closed, or expired at that moment: excluded (absent fields mean never).
            long at = EsDocument.micros(f.visibleAt());
            b.mustNot(range(EsDocument.RECORDED, at, false));
            b.mustNot(range(EsDocument.VALID_TO, at, true));
            b.mustNot(range(EsDocument.EXPIRES, at, true));
        }
        if (f.heldAt() != null) {
            // Happened by then, and not closed or expired by then, whenever it was recorded.
            long at = EsDocument.micros(f.heldAt());
            b.mustNot(range(EsDocument.OCCURRED, at, false));
            b.mustNot(range(EsDocument.VALID_TO, at, true));
            b.mustNot(range(EsDocument.EXPIRES, at, true));
        }
        return b.build()._toQuery();
    }

    /** Every memory, of any tenant, expired at {@code at}. */
    static Query expired(Instant at) {
        return Query.of(q -> q.range(g -> g.untyped(u -> u.field(EsDocument.EXPIRES)
                .lte(JsonData.of(EsDocument.micros(at))))));
    }

    /** {@code field <= at} when {@code atOrBefore}, else {@code field > at}. */
    private static Query range(String field, long at, boolean atOrBefore) {
        return Query.of(q -> q.range(g -> g.untyped(u -> atOrBefore ? u.field(field).lte(JsonData.of(at))
                : u.field(field).gt(JsonData.of(at)))));
    }

    static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }
}
