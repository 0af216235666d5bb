package dev.minillm.tensor;

import java.util.ArrayList;
import java.util.List;

/** An optimizer's view of its parameters: all groups in one list, with per-parameter state (momentum, moments). */
final class OptimizerState {

    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Float> decays = new ArrayList<>();
    private final float[][][] state; // [parameter][slot][element], created on first use
    private final int[] updates;     // how many updates each parameter has had
    int steps;

    OptimizerState(List<Optimizer.ParamGroup> groups, int slots) {
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
        state = new float[tensors.size()][slots][];
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
}
