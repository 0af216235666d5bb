package dev.minillm.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** An optimizer's view of its parameters: all groups in one list, with per-parameter state (momentum, moments). */
final class OptimizerState {

    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Float> decays = new ArrayList<>();
    private final List<String> slots; // the names of the per-parameter state arrays, e.g. "m", "v"
    private final float[][][] state; // [parameter][slot][element], created on first use
    private final int[] updates;     // how many updates each parameter has had
    int steps;

    OptimizerState(List<Optimizer.ParamGroup> groups, List<String> slots) {
        this.slots = slots;
        for (Optimizer.ParamGroup group : groups) {
            for (Tensor p : group.parameters()) {
                if (!p.isLeaf() || !p.isDense()) {
                    throw new IllegalArgumentException("optimizer: parameters must be dense leaf tensors; got "
                            + (p.isLeaf() ? "a view" : "the output of op '" + p.op() + "'")
                            + " of shape " + Shapes.str(p.shape));
                }
                if (tensors.stream().anyMatch(q -> q == p)) {
                    throw new IllegalArgumentException("optimizer: a parameter of shape " + Shapes.str(p.shape)
                            + " is listed twice (in two groups?)");
                }
                p.requiresGrad(true);
                tensors.add(p);
                decays.add(group.weightDecay());
            }
        }
        state = new float[tensors.size()][slots.size()][];
        updates = new int[tensors.size()];
    }

    int size() {
        return tensors.size();
    }

    float[] values(int i) {
        return tensors.get(i).data;
    }

    float[] gradient(int i) {
        return tensors.get(i).grad;
    }

    float weightDecay(int i) {
        return decays.get(i);
    }

    /** Counts an update of parameter i and returns its number, 1 for the first. */
    int countStep(int i) {
        return ++updates[i];
    }

    float[] state(int i, int slot) {
        if (state[i][slot] == null) {
            state[i][slot] = new float[tensors.get(i).size()];
        }
        return state[i][slot];
    }

    void zeroGrad() {
        tensors.forEach(Tensor::zeroGrad);
    }

    /** "steps", and for parameter i "i.updates" and "i.<slot>" for each slot in use; see {@link Optimizer#stateDict()}. */
    Map<String, Tensor> stateDict() {
        Map<String, Tensor> dict = new LinkedHashMap<>();
        dict.put("steps", Tensor.scalar(steps));
        for (int i = 0; i < tensors.size(); i++) {
            dict.put(i + ".updates", Tensor.scalar(updates[i]));     // exact in a float up to 2^24 updates
            for (int s = 0; s < slots.size(); s++) {
                if (state[i][s] != null) {
                    dict.put(i + "." + slots.get(s), Tensor.of(state[i][s].clone(), tensors.get(i).shape.clone()));
                }
            }
        }
        return dict;
    }

    void loadStateDict(Map<String, Tensor> dict) {
        var unused = new TreeSet<>(dict.keySet());
        steps = (int) scalar(dict, "steps", unused);
        for (int i = 0; i < tensors.size(); i++) {
            updates[i] = (int) scalar(dict, i + ".updates", unused);
            for (int s = 0; s < slots.size(); s++) {
                Tensor saved = dict.get(i + "." + slots.get(s));
                unused.remove(i + "." + slots.get(s));
                if (saved == null) {
                    state[i][s] = null;                               // never updated: starts from zero, as before
                } else if (!java.util.Arrays.equals(saved.shape, tensors.get(i).shape)) {
                    throw new IllegalArgumentException("optimizer state '" + i + "." + slots.get(s) + "' has shape "
                            + Shapes.str(saved.shape) + " but parameter " + i + " has shape "
                            + Shapes.str(tensors.get(i).shape) + "; load the state of an optimizer over the same model");
                } else {
                    state[i][s] = saved.toArray();
                }
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("optimizer state has entries this optimizer does not know: " + unused
                    + " (saved by another optimizer kind, or for a model with more parameters)");
        }
    }

    private static float scalar(Map<String, Tensor> dict, String name, java.util.Set<String> unused) {
        Tensor t = dict.get(name);
        if (t == null || t.size() != 1) {
            throw new IllegalArgumentException("optimizer state has no scalar '" + name
                    + "'; it was saved by another optimizer or for another model");
        }
        unused.remove(name);
        return t.item();
    }
}
