package dev.sluice.admin;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.FaultConfig;
import dev.sluice.config.FaultType;
import dev.sluice.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A listed fault posts back as it is: FaultJson writes what the POST /faults loader reads. */
class FaultJsonTest {

    // One fault of every type, with every parameter it takes set to something not default, is
    // written as JSON and read back by the loader POST /faults uses: the same fault comes back.
    @Test
    void everyTypeRoundTripsThroughThePostLoader() throws Exception {
        List<FaultConfig> faults = List.of(
                FaultConfig.latency(Duration.ofMillis(250), Duration.ofSeconds(2)).toClient().onRoute("/chat/"),
                FaultConfig.bandwidth(65536).toUpstream().withProbability(0.25),
                FaultConfig.blackhole(),
                FaultConfig.reset(Duration.ofMinutes(3)),
                FaultConfig.limitData(10_000),
                FaultConfig.slice(1, Duration.ofMillis(1)),
                FaultConfig.refuse().withProbability(0.000000001),
                FaultConfig.httpStatus(503).onRoute("/chat/"),
                FaultConfig.slowClose(Duration.ofHours(2)),
                FaultConfig.dropMessages(3).toClient().includingControlFrames(),
                FaultConfig.delayMessages(Duration.ofMillis(1500)).withCount(2),
                FaultConfig.duplicateMessages().withProbability(0),
                FaultConfig.close(4000, "in\u00e9 \"quoted\" <b>").toUpstream());
        Set<FaultType> covered = EnumSet.noneOf(FaultType.class);
        for (int i = 0; i < faults.size(); i++) {
            FaultConfig fault = faults.get(i).named("f" + i);
            covered.add(fault.type());
            String json = FaultJson.config(new Json(), fault).toString();
            assertEquals(List.of(fault), ConfigLoader.parseFaults(json, "test", List.of("/", "/chat/")), json);
        }
        assertEquals(EnumSet.allOf(FaultType.class), covered, "every type is tried");
    }

    // Durations are written in the shortest exact unit, as a person would write them in YAML.
    @Test
    void durationsAreWrittenInTheirLargestExactUnit() {
        assertEquals("200ms", FaultJson.format(Duration.ofMillis(200)));
        assertEquals("1500ms", FaultJson.format(Duration.ofMillis(1500)));
        assertEquals("3s", FaultJson.format(Duration.ofSeconds(3)));
        assertEquals("90s", FaultJson.format(Duration.ofSeconds(90)));
        assertEquals("2m", FaultJson.format(Duration.ofMinutes(2)));
        assertEquals("1h", FaultJson.format(Duration.ofHours(1)));
        assertEquals("0ms", FaultJson.format(Duration.ZERO));
    }
}
