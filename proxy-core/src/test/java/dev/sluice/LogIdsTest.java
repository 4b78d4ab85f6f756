package dev.sluice;

import dev.sluice.http.Answer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every log id means one thing, so an operator can grep it and look it up: each id is written once
 * in the main code of all modules, as the start of a string literal (a log line's format, or an id
 * handed to a logger, as {@link Answer}'s constants are), and the README's table of log messages
 * has a row for each and for no other, with the level it is logged at. Any other mention of an id
 * (a comment, the README's prose, a shipped example, a test's assertion) names one that exists.
 */
class LogIdsTest {
    /** An id at the start of a string literal: where a log line is given its id. */
    private static final Pattern WRITTEN = Pattern.compile("\"(SLU\\d{4})\\b");
    private static final Pattern MENTIONED = Pattern.compile("\\bSLU\\d{4}\\b");
    /** A row of the table: | `SLU1404` | INFO | meaning | what to do | */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`(SLU\\d{4})`\\s*\\|([^|]*)\\|([^|]*)\\|([^|]*)\\|\\s*$");
    /** A log call whose level can be read off the source: log.warn("SLU0007 ..."), refusals.warn("SLU5001", ...). */
    private static final Pattern LOGGED_AT = Pattern.compile("\\b(error|warn|info|debug)\\(\\s*\"(SLU\\d{4})\\b");

    private static Path root;
    /** Each id written in main code, with the places it is written (file:line). */
    private static Map<String, List<String>> written;
    private static Map<String, Row> table;

    private record Row(String level, String meaning, String whatToDo) {
    }

    @BeforeAll
    static void read() throws IOException {
        root = repositoryRoot();
        written = new TreeMap<>();
        for (Path file : files("src/main")) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = WRITTEN.matcher(lines.get(i));
                while (m.find()) {
                    written.computeIfAbsent(m.group(1), id -> new ArrayList<>()).add(root.relativize(file) + ":" + (i + 1));
                }
            }
        }
        table = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                Row before = table.put(m.group(1), new Row(m.group(2).trim(), m.group(3).trim(), m.group(4).trim()));
                assertNull(before, m.group(1) + " has two rows in the README's table");
            }
        }
    }

    @Test
    void eachIdIsWrittenOnceInTheCode() {
        Map<String, List<String>> again = new TreeMap<>(written);
        again.values().removeIf(places -> places.size() == 1);
        assertEquals(Map.of(), again, "ids written more than once: give each event its own");
        assertTrue(written.size() > 50, "the scan found the ids: " + written.keySet());
    }

    @Test
    void theReadmeTableListsEveryIdOfTheCodeAndNoOther() {
        Set<String> missing = new TreeSet<>(written.keySet());
        missing.removeAll(table.keySet());
        Set<String> extra = new TreeSet<>(table.keySet());
        extra.removeAll(written.keySet());
        assertEquals(Set.of(), missing, "ids the README's table of log messages lacks");
        assertEquals(Set.of(), extra, "ids in the README's table that no code writes");
        assertEquals(new ArrayList<>(new TreeSet<>(table.keySet())), new ArrayList<>(table.keySet()),
                "the table's rows in the order of their ids");
    }

    @Test
    void everyRowSaysTheLevelWhatItMeansAndWhatToDo() {
        table.forEach((id, row) -> {
            assertTrue(row.level().matches("(ERROR|WARN|INFO|DEBUG)\\b.*"), id + ": level '" + row.level() + "'");
            assertFalse(row.meaning().isEmpty(), id + ": what it means");
            assertFalse(row.whatToDo().isEmpty(), id + ": what to do");
        });
    }

    @Test
    void theTableGivesTheLevelTheCodeLogsAt() throws IOException {
        Map<String, String> wrong = new TreeMap<>();
        for (Path file : files("src/main")) {
            Matcher m = LOGGED_AT.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                expectLevel(wrong, m.group(2), m.group(1).toUpperCase(java.util.Locale.ROOT));
            }
        }
        // Undertow's own statuses: one id for each class, so one level each
        expectLevel(wrong, Answer.other(400).id(), "INFO");
        expectLevel(wrong, Answer.other(500).id(), "WARN");
        for (Answer answer : Answer.values()) {
            if (answer == Answer.other(400) || answer == Answer.other(500)) {
                continue;
            }
            if (answer.statusVaries()) {
                // the status decides, answer by answer: the row names both levels
                String level = table.get(answer.id()).level();
                if (!level.contains("INFO") || !level.contains("WARN")) {
                    wrong.put(answer.id(), level + ", but INFO or WARN by the status");
                }
            } else {
                expectLevel(wrong, answer.id(), Answer.warns(answer.status()) ? "WARN" : "INFO");
            }
        }
        assertEquals(Map.of(), wrong);
    }

    @Test
    void everyMentionOfAnIdNamesOneThatExists() throws IOException {
        List<Path> mentioning = new ArrayList<>(files("src"));
        mentioning.add(root.resolve("README.md"));
        try (Stream<Path> conf = Files.walk(root.resolve("conf"))) {
            conf.filter(Files::isRegularFile).forEach(mentioning::add);
        }
        Map<String, String> unknown = new TreeMap<>();
        for (Path file : mentioning) {
            Matcher m = MENTIONED.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                if (!written.containsKey(m.group())) {
                    unknown.putIfAbsent(m.group(), root.relativize(file).toString());
                }
            }
        }
        assertEquals(Map.of(), unknown, "ids mentioned but logged nowhere");
    }

    private static void expectLevel(Map<String, String> wrong, String id, String level) {
        Row row = table.get(id);
        if (row != null && !row.level().startsWith(level)) {
            wrong.put(id, "the table says " + row.level() + ", the code logs at " + level);
        }
    }

    /** The files under {@code under} (src/main, src) of each module. */
    private static List<Path> files(String under) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(d -> d.getFileName().toString().startsWith("proxy-")).sorted().toList()) {
                Path dir = module.resolve(under);
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> walk = Files.walk(dir)) {
                        walk.filter(Files::isRegularFile).filter(LogIdsTest::isText).forEach(files::add);
                    }
                }
            }
        }
        assertFalse(files.isEmpty(), "no files under " + under + " in " + root);
        return files;
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return Stream.of(".java", ".html", ".yaml", ".yml", ".properties", ".xml", ".md", ".txt", ".sh")
                .anyMatch(name::endsWith) || !name.contains(".");
    }

    /** The directory with the README and the modules, above the module the test runs in. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("proxy-core"))) {
                return dir;
            }
        }
        throw new UncheckedIOException(new IOException("no README.md with proxy-core beside it above "
                + Path.of("").toAbsolutePath()));
    }
}
