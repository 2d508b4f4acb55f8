package dev.activations.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every line of every {@code ```java} block of the README is a line of an example here
 * (compared trimmed, runs of spaces as one; a line {@code ...} stands for lines left out), so
 * the README cannot show code that does not compile or that {@link ExamplesTest} does not run.
 */
class ReadmeExamplesTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "activations", "examples");

    private static String normalize(String line) {
        return line.strip().replaceAll("\\s+", " ");
    }

    @Test
    void everyJavaLineOfTheReadmeIsInAnExample() throws IOException {
        Set<String> exampleLines = new HashSet<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Files.readAllLines(f).forEach(l -> exampleLines.add(normalize(l)));
            }
        }
        List<String> missing = new ArrayList<>();
        int blocks = 0;
        boolean inJava = false;
        int n = 0;
        for (String line : Files.readAllLines(README)) {
            n++;
            String t = line.strip();
            if (!inJava && t.equals("```java")) {
                inJava = true;
                blocks++;
            } else if (inJava && t.equals("```")) {
                inJava = false;
            } else if (inJava) {
                String l = normalize(line);
                if (!l.isEmpty() && !l.equals("...") && !exampleLines.contains(l)) {
                    missing.add("README.md:" + n + ": " + t);
                }
            }
        }
        assertFalse(inJava, "README.md: a ```java block is not closed");
        assertTrue(blocks > 0, "README.md has no ```java block: is " + README.toAbsolutePath() + " the README?");
        assertTrue(missing.isEmpty(), "README lines that are in no example under " + SOURCES
                + " (copy them from the example, or change the example and test too):\n" + String.join("\n", missing));
    }
}
