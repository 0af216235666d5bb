package dev.minillm.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minillm.tensor.Optimizer;
import dev.minillm.tensor.SafeTensors;
import dev.minillm.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint (检查点) in a folder: {@code <name>.safetensors} holds the weights (readable
 * by PyTorch's {@code safetensors} too) and {@code <name>.json} the model's class and configuration,
 * the trainer's configuration and where training stood. The {@link Trainer} keeps two:
 * {@value #LAST}, rewritten at every evaluation, and {@value #BEST}, the weights with the lowest
 * validation loss so far.
 *
 * <p>Both files are written atomically (temporary file, then move), weights first; each names the
 * step it belongs to, so a crash between the two writes is detected when reading.
 *
 * <pre>{@code
 * var model = new MlpLanguageModel(config, 0);
 * Checkpoint.loadWeights(Path.of("runs/mlp"), Checkpoint.BEST, model);   // the best weights of a run
 * }</pre>
 */
public final class Checkpoint {

    /** The checkpoint written at every evaluation. */
    public static final String LAST = "last";
    /** The checkpoint with the lowest validation loss. */
    public static final String BEST = "best";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Where a run stood when the checkpoint was written (the JSON file).
     *
     * @param modelClass the model's class name
     * @param modelConfig the model's configuration record as JSON
     * @param trainerConfig the trainer's configuration as JSON
     * @param step how many updates the weights have had
     * @param bestValidationLoss the lowest validation loss so far (NaN before the first evaluation)
     * @param bestStep the step of that loss (-1 before the first evaluation)
     * @param evaluationsWithoutImprovement evaluations since the best one, for early stopping
     * @param history the training history up to {@code step}
     */
    record State(String modelClass, JsonNode modelConfig, JsonNode trainerConfig, int step, double bestValidationLoss,
                 int bestStep, int evaluationsWithoutImprovement, List<TrainingHistory.Entry> history) {}

    private Checkpoint() {}

    /** The weights file of checkpoint {@code name} in {@code folder}. */
    public static Path weightsFile(Path folder, String name) {
        return folder.resolve(name + ".safetensors");
    }

    /** The optimizer-state file of checkpoint {@code name} in {@code folder} (the {@value #LAST} checkpoint has one). */
    public static Path optimizerFile(Path folder, String name) {
        return folder.resolve(name + ".optimizer.safetensors");
    }

    /** The state file of checkpoint {@code name} in {@code folder}. */
    public static Path stateFile(Path folder, String name) {
        return folder.resolve(name + ".json");
    }

    /** True when both files of checkpoint {@code name} exist in {@code folder}. */
    public static boolean exists(Path folder, String name) {
        return Files.isRegularFile(weightsFile(folder, name)) && Files.isRegularFile(stateFile(folder, name));
    }

    /**
     * Loads checkpoint {@code name} from {@code folder} into {@code model}, after checking that it
     * was written for a model of the same class and configuration.
     *
     * @return the number of updates the loaded weights had
     * @throws IllegalArgumentException if the checkpoint is missing, incomplete, or belongs to another
     *     kind of model or configuration (the message names each difference)
     */
    public static int loadWeights(Path folder, String name, LanguageModel model) {
        State state = read(folder, name);
        checkModel(folder, name, state, model);
        loadWeights(folder, name, state, model);
        return state.step();
    }

    static void save(Path folder, String name, LanguageModel model, State state, Optimizer optimizer) {
        SafeTensors.write(weightsFile(folder, name), model.stateDict(),
                Map.of("format", "pt", "step", Integer.toString(state.step()), "model", state.modelClass()));
        if (optimizer != null) {
            SafeTensors.write(optimizerFile(folder, name), optimizer.stateDict(),
                    Map.of("step", Integer.toString(state.step()), "optimizer", optimizer.getClass().getSimpleName()));
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("model", state.modelClass());
        json.set("modelConfig", state.modelConfig());
        json.set("trainerConfig", state.trainerConfig());
        json.put("step", state.step());
        putNumber(json, "bestValidationLoss", state.bestValidationLoss());
        json.put("bestStep", state.bestStep());
        json.put("evaluationsWithoutImprovement", state.evaluationsWithoutImprovement());
        ArrayNode history = json.putArray("history");
        for (TrainingHistory.Entry e : state.history()) {
            ObjectNode row = history.addObject();
            row.put("step", e.step());
            putNumber(row, "trainLoss", e.trainLoss());
            putNumber(row, "validationLoss", e.validationLoss());
            putNumber(row, "learningRate", e.learningRate());
            putNumber(row, "gradNorm", e.gradNorm());
            putNumber(row, "seconds", e.seconds());
        }
        writeAtomically(stateFile(folder, name), json);
    }

    static State read(Path folder, String name) {
        Path file = stateFile(folder, name);
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("no checkpoint '" + name + "' in " + folder.toAbsolutePath()
                    + " (" + file.getFileName() + " is missing): train with checkpoints(folder) first", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint state " + file + " is not readable JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.has("model") || !json.has("step") || !json.has("modelConfig")) {
            throw new IllegalArgumentException("checkpoint state " + file + " is not a minillm trainer checkpoint "
                    + "(it lacks 'model', 'modelConfig' or 'step')");
        }
        List<TrainingHistory.Entry> history = new ArrayList<>();
        for (JsonNode row : json.path("history")) {
            history.add(new TrainingHistory.Entry(row.path("step").asInt(), number(row, "trainLoss"),
                    number(row, "validationLoss"), number(row, "learningRate"), number(row, "gradNorm"),
                    number(row, "seconds")));
        }
        return new State(json.get("model").asText(), json.get("modelConfig"), json.path("trainerConfig"),
                json.get("step").asInt(), number(json, "bestValidationLoss"), json.path("bestStep").asInt(-1),
                json.path("evaluationsWithoutImprovement").asInt(0), history);
    }

    /** Checks class and configuration, naming every difference. */
    static void checkModel(Path folder, String name, State state, LanguageModel model) {
        String where = "checkpoint '" + name + "' in " + folder;
        if (!state.modelClass().equals(model.getClass().getName())) {
            throw new IllegalArgumentException(where + " holds a " + state.modelClass() + ", not a "
                    + model.getClass().getName() + ": load it into the same kind of model");
        }
        List<String> differences = differences(state.modelConfig(), JSON.valueToTree(model.config()));
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(where + " was written for another configuration of "
                    + model.getClass().getSimpleName() + ": " + String.join("; ", differences)
                    + ". Build the model with the checkpoint's configuration, or train a new one in another folder");
        }
    }

    static void loadWeights(Path folder, String name, State state, LanguageModel model) {
        Path file = weightsFile(folder, name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("checkpoint '" + name + "' in " + folder + " has no weights file "
                    + file.getFileName());
        }
        SafeTensors.Contents contents = SafeTensors.read(file);
        String weightsStep = contents.metadata().get("step");
        if (weightsStep != null && !weightsStep.equals(Integer.toString(state.step()))) {
            throw new IllegalArgumentException("checkpoint '" + name + "' in " + folder + " is incomplete: the weights "
                    + "are from step " + weightsStep + " but the state from step " + state.step()
                    + " (the run stopped while saving); resume from '" + BEST + "' or start again");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(contents.tensors());
        model.loadStateDict(tensors);
    }

    /**
     * Restores the optimizer state saved with checkpoint {@code name}; false when the checkpoint has
     * none (written without an optimizer), in which case the optimizer keeps its fresh state.
     */
    static boolean loadOptimizer(Path folder, String name, State state, Optimizer optimizer) {
        Path file = optimizerFile(folder, name);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        SafeTensors.Contents contents = SafeTensors.read(file);
        String savedStep = contents.metadata().get("step");
        if (!Integer.toString(state.step()).equals(savedStep)) {
            throw new IllegalArgumentException("checkpoint '" + name + "' in " + folder + " is incomplete: the optimizer "
                    + "state is from step " + savedStep + " but the state from step " + state.step()
                    + " (the run stopped while saving); delete " + file.getFileName() + " to resume with fresh "
                    + "optimizer moments, or start again");
        }
        String kind = contents.metadata().get("optimizer");
        if (kind != null && !kind.equals(optimizer.getClass().getSimpleName())) {
            throw new IllegalArgumentException("checkpoint '" + name + "' in " + folder + " holds the state of " + kind
                    + ", not of " + optimizer.getClass().getSimpleName() + ": resume with the same optimizer");
        }
        optimizer.loadStateDict(contents.tensors());
        return true;
    }

    /**
     * The fields where two JSON objects differ, as "name: checkpoint X, now Y" (nested fields
     * with dotted names); fields in {@code ignored} are skipped.
     */
    static List<String> differences(JsonNode saved, JsonNode current, String... ignored) {
        List<String> differences = new ArrayList<>();
        collectDifferences("", saved, current, List.of(ignored), differences);
        return differences;
    }

    private static void collectDifferences(String prefix, JsonNode saved, JsonNode current, List<String> ignored,
                                           List<String> into) {
        if (saved != null && current != null && saved.isObject() && current.isObject()) {
            var names = new java.util.LinkedHashSet<String>();
            saved.fieldNames().forEachRemaining(names::add);
            current.fieldNames().forEachRemaining(names::add);
            for (String field : names) {
                if (!ignored.contains(prefix + field)) {
                    collectDifferences(prefix + field + ".", saved.get(field), current.get(field), ignored, into);
                }
            }
            return;
        }
        if (!sameValue(saved, current)) {
            String field = prefix.isEmpty() ? "value" : prefix.substring(0, prefix.length() - 1);
            into.add(field + ": checkpoint " + show(saved) + ", now " + show(current));
        }
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            if (a.isIntegralNumber() && b.isIntegralNumber()) {
                return a.asLong() == b.asLong();
            }
            return (float) a.asDouble() == (float) b.asDouble(); // a float field comes back from the file as a double
        }
        return a.equals(b);
    }

    private static String show(JsonNode node) {
        return node == null ? "(absent)" : node.isTextual() ? node.asText() : node.toString();
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field); // JSON has no NaN
        }
    }

    private static double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Double.NaN : value.asDouble();
    }

    private static void writeAtomically(Path file, JsonNode json) {
        Path temp = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            temp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            JSON.writeValue(temp.toFile(), json);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original error matters more
                }
            }
        }
    }
}
