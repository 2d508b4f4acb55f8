package dev.activations.bench.paper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** One experiment's part of the report: what was run, its tables, charts and notes. */
final class Section {
    final String title;
    final String description;
    final List<Table> tables = new ArrayList<>();
    final List<Chart> charts = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    /** A PNG in the output directory and its caption. */
    record Chart(String file, String caption) {
    }

    /** Draws one chart file. */
    @FunctionalInterface
    interface Drawing {
        void draw() throws IOException;
    }

    Section(String title, String description) {
        this.title = title;
        this.description = description;
    }

    /** Draws a chart into this section; a chart that cannot be drawn becomes a note, not a failed job. */
    void chart(String file, String caption, Drawing drawing) {
        try {
            drawing.draw();
            charts.add(new Chart(file, caption));
        } catch (IOException e) {
            notes.add("Chart " + file + " not drawn: " + e.getMessage());
            System.out.println("      " + e.getMessage());
        }
    }

    /** For the console. */
    String text() {
        StringBuilder sb = new StringBuilder("== ").append(title).append(" ==\n");
        tables.forEach(t -> sb.append(t.text()).append('\n'));
        notes.forEach(n -> sb.append("  note: ").append(n.replace("**", "")).append('\n'));
        return sb.toString();
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("## ").append(title).append("\n\n").append(description).append("\n\n");
        for (Table t : tables) {
            sb.append("**").append(t.title()).append("**\n\n").append(t.markdown()).append('\n');
        }
        for (Chart c : charts) {
            sb.append("![").append(c.caption()).append("](").append(c.file()).append(")\n\n*")
                    .append(c.caption()).append("*\n\n");
        }
        notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        if (!notes.isEmpty()) {
            sb.append('\n');
        }
        return sb.toString();
    }
}
