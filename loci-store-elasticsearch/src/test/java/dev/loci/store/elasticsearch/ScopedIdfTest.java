package dev.loci.store.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopedIdfTest {

    @Test
    void idfIsLucenesBm25Idf() {
        assertEquals(Math.log(1 + (10 - 1 + 0.5) / 1.5), ScopedIdf.idf(10, 1), 1e-12);
        assertTrue(ScopedIdf.idf(1000, 1) > ScopedIdf.idf(1000, 500), "the rarer word weighs more");
    }

    @Test
    void eachBoostTurnsTheShardIdfIntoTheScopedOne() {
        // a user's name: in 9 of the user's 10 memories, in no other user's; a common word: in 1 of theirs
        var stats = new ScopedIdf(110, Map.of("anna", 9L, "appl", 101L), 10, Map.of("anna", 9L, "appl", 1L));
        Map<String, Float> boosts = stats.boosts(List.of("anna", "appl"));
        assertEquals(List.of("anna", "appl"), List.copyOf(boosts.keySet()));
        assertEquals(ScopedIdf.idf(10, 9) / ScopedIdf.idf(110, 9), boosts.get("anna"), 1e-6);
        assertEquals(ScopedIdf.idf(10, 1) / ScopedIdf.idf(110, 101), boosts.get("appl"), 1e-4);
        assertTrue(boosts.get("anna") * ScopedIdf.idf(110, 9) < boosts.get("appl") * ScopedIdf.idf(110, 101),
                "among the user's memories the name weighs less than the rare word");
        assertFalse(stats.keepsWholeShard());
    }

    @Test
    void statisticsThatAreTheShardsOwnLeaveEveryWordAsItWas() {
        var stats = new ScopedIdf(50, Map.of("hike", 7L, "alp", 2L), 50, Map.of("hike", 7L, "alp", 2L));
        assertTrue(stats.keepsWholeShard());
        stats.boosts(List.of("hike", "alp")).values().forEach(b -> assertEquals(1.0f, b, 1e-6f));
    }

    @Test
    void aWordNoMemorySearchedHoldsIsLeftOut() {
        var stats = new ScopedIdf(100, Map.of("pie", 90L, "zebra", 3L), 10, Map.of("pie", 0L, "zebra", 3L));
        assertEquals(List.of("zebra"), List.copyOf(stats.boosts(List.of("pie", "zebra")).keySet()));
        assertTrue(new ScopedIdf(100, Map.of(), 10, Map.of()).boosts(List.of("pie")).isEmpty());
    }

    @Test
    void countsReadAcrossARefreshStayConsistent() {
        // the filter's count saw a memory the shard statistics did not (a refresh fell between the reads)
        var stats = new ScopedIdf(20, Map.of(), 21, Map.of("new", 1L));
        float boost = stats.boosts(List.of("new")).get("new");
        assertTrue(Float.isFinite(boost) && boost > 0, "boost " + boost);
        assertEquals(1.0f, boost, 1e-6f, "the scoped statistics stand in for the shard's");
    }
}
