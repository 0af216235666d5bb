// minillm JShell startup: the library's packages and a few helpers, loaded by `./minillm jshell`
// and by the doc-tests that run the chapters' code, so both see the same names.
import java.util.*;
import java.util.stream.*;
import java.nio.file.*;
import dev.minillm.common.*;
import dev.minillm.ngram.*;
import dev.minillm.tokenize.*;
import dev.minillm.tensor.*;
import dev.minillm.nn.*;
import dev.minillm.rnn.*;
import dev.minillm.attention.*;
import dev.minillm.transformer.*;
import dev.minillm.position.*;
import dev.minillm.generate.*;
import dev.minillm.infer.*;

/** Prints anything, one line: print(model.sample(42, 80)). */
void print(Object value) { System.out.println(value); }

/** Saves an XChart chart as a PNG and says where: save(LlmTimeline.chart(), "timeline.png"). */
Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String file) {
    return Plots.savePng(chart, Path.of(file));
}
