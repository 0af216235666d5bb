package dev.minillm.nn;

import dev.minillm.common.Progress;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.LearningRateSchedule;
import dev.minillm.tensor.Optimizer;
import dev.minillm.tensor.Tensor;
import me.tongfei.progressbar.ProgressBar;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training loop (训练循环) of every model in the course: sample a batch, compute the loss,
 * backpropagate, clip the gradients, set the learning rate, update the weights; every
 * {@code evalEvery} steps measure the validation loss, keep checkpoints and decide whether to stop.
 *
 * <pre>{@code
 * var tokenizer = CharTokenizer.train(Corpus.english().text());
 * var data = TokenDataset.encode(Corpus.english(), tokenizer, 0.1);
 * var model = new MlpLanguageModel(MlpLanguageModel.Config.small(tokenizer.vocabSize()), 42);
 * var result = new Trainer(model, data, Trainer.Config.defaults().withMaxSteps(1000))
 *         .checkpoints(Path.of("runs/mlp"))
 *         .fit();
 * Plots.image(result.history().chart());
 * }</pre>
 *
 * <p><b>Deterministic.</b> The batch of step s depends only on the seed and s ({@link BatchSampler}),
 * the validation batches are the same at every evaluation, and the model's initial weights come
 * from its own seed; the same configuration gives the same numbers on every run.
 *
 * <p><b>Resume.</b> {@link #resume(Path)} restores the weights, the step, the best validation loss
 * and the history from the folder's {@value Checkpoint#LAST} checkpoint, after checking that it
 * was written for the same model configuration and training settings (only {@code maxSteps},
 * {@code patience} and {@code restoreBest} may change), and the optimizer's moment estimates from
 * the checkpoint's {@code last.optimizer.safetensors}. Without dropout the resumed run then gives
 * the same weights, bit for bit, as a run that never stopped; dropout masks and a recurrent model's
 * carried hidden state start again from fresh.
 */
public final class Trainer {

    /** How training batches are cut from the token stream. */
    public enum BatchOrder {
        /** Independent random windows ({@link BatchSampler.RandomWindows}): for any model. */
        RANDOM_WINDOWS,
        /** B streams read in order ({@link BatchSampler.ContiguousStreams}): for truncated BPTT in a recurrent model. */
        CONTIGUOUS_STREAMS
    }

    /** The update rule. */
    public enum OptimizerKind {
        /** AdamW with decoupled weight decay on matrices: the default, and what GPTs train with. */
        ADAMW,
        /**
         * SGD with momentum 0.9 (L2 weight decay on all parameters: chapter 3's SGD takes one group).
         * Its step grows with the gradient, so it shows what exploding gradients do, and what
         * clipping prevents, more plainly than Adam, whose steps are normalised.
         */
        SGD
    }

    /** Why {@link #fit()} returned. */
    public enum Stop {
        /** All {@code maxSteps} steps were taken. */
        MAX_STEPS,
        /** The validation loss stopped improving for {@code patience} evaluations (提前停止). */
        EARLY_STOPPING,
        /** The loss or the gradient became NaN or infinite; the weights were not updated with it. */
        DIVERGED,
        /** {@link #fit(int)} reached the step it was asked to stop at; {@code fit()} continues. */
        PAUSED
    }

    /**
     * The training settings.
     *
     * @param maxSteps how many updates to make; the learning rate decays to its minimum over them
     * @param batchSize B, rows per batch
     * @param blockSize T, tokens per row
     * @param batchOrder random windows, or contiguous streams for truncated BPTT
     * @param optimizer AdamW (β1, β2 below) or SGD with momentum
     * @param learningRate the peak learning rate, reached after warmup
     * @param minLearningRate the learning rate at the end of the cosine decay
     * @param warmupSteps steps of linear warmup (at most maxSteps are used)
     * @param weightDecay the weight decay for matrices (biases and gains are not decayed)
     * @param beta1 AdamW's β1
     * @param beta2 AdamW's β2
     * @param gradClip the largest global gradient norm; larger gradients are scaled down to it (0: no clipping)
     * @param evalEvery evaluate (and write checkpoints) every this many steps, and after the last one
     * @param evalBatches validation batches per evaluation (the same ones every time)
     * @param patience stop after this many evaluations without a new best validation loss (0: never)
     * @param restoreBest at the end, put the weights with the best validation loss back into the model
     * @param seed the seed of the batch order
     */
    public record Config(int maxSteps, int batchSize, int blockSize, BatchOrder batchOrder, OptimizerKind optimizer,
                         float learningRate,
                         float minLearningRate, int warmupSteps, float weightDecay, float beta1, float beta2,
                         float gradClip, int evalEvery, int evalBatches, int patience, boolean restoreBest, long seed) {

        /** Checks the ranges; the message names the setting that is off. */
        public Config {
            if (maxSteps < 0 || batchSize < 1 || blockSize < 1 || evalEvery < 1 || evalBatches < 1 || warmupSteps < 0
                    || patience < 0) {
                throw new IllegalArgumentException("Trainer.Config: need maxSteps >= 0, batchSize, blockSize, evalEvery, "
                        + "evalBatches >= 1 and warmupSteps, patience >= 0; got maxSteps=" + maxSteps + ", batchSize="
                        + batchSize + ", blockSize=" + blockSize + ", evalEvery=" + evalEvery + ", evalBatches="
                        + evalBatches + ", warmupSteps=" + warmupSteps + ", patience=" + patience);
            }
            if (!(learningRate > 0f) || !(minLearningRate >= 0f && minLearningRate <= learningRate)) {
                throw new IllegalArgumentException("Trainer.Config: need learningRate > 0 and 0 <= minLearningRate <= "
                        + "learningRate, got " + learningRate + " and " + minLearningRate);
            }
            if (!(weightDecay >= 0f) || !(gradClip >= 0f) || !(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f)) {
                throw new IllegalArgumentException("Trainer.Config: need weightDecay >= 0, gradClip >= 0 and betas in "
                        + "[0, 1), got weightDecay=" + weightDecay + ", gradClip=" + gradClip + ", beta1=" + beta1
                        + ", beta2=" + beta2);
            }
            java.util.Objects.requireNonNull(batchOrder, "batchOrder");
            java.util.Objects.requireNonNull(optimizer, "optimizer");
        }

        /**
         * Settings for small models on a CPU: 2000 steps of 32 rows × 64 tokens, learning rate 1e-3
         * decaying to 1e-4 after 100 warmup steps, weight decay 0.1, β = (0.9, 0.99), clipping at
         * norm 1, 20 validation batches every 100 steps, no early stopping, best weights restored.
         */
        public static Config defaults() {
            return new Config(2000, 32, 64, BatchOrder.RANDOM_WINDOWS, OptimizerKind.ADAMW, 1e-3f, 1e-4f, 100, 0.1f,
                    0.9f, 0.99f, 1f, 100, 20, 0, true, 1337);
        }

        /** For tests and first experiments: 200 steps of 16 × 32 tokens at 3e-3, evaluating every 50 steps on 4 batches. */
        public static Config quick() {
            return new Config(200, 16, 32, BatchOrder.RANDOM_WINDOWS, OptimizerKind.ADAMW, 3e-3f, 3e-4f, 20, 0.1f,
                    0.9f, 0.99f, 1f, 50, 4, 0, true, 1337);
        }

        /** With another number of steps. */
        public Config withMaxSteps(int maxSteps) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With another batch size B. */
        public Config withBatchSize(int batchSize) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With another block size T. */
        public Config withBlockSize(int blockSize) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With another batch order. */
        public Config withBatchOrder(BatchOrder batchOrder) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With another optimizer. */
        public Config withOptimizer(OptimizerKind optimizer) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With a peak learning rate, decaying to a tenth of it. */
        public Config withLearningRate(float learningRate) {
            return withLearningRate(learningRate, learningRate / 10);
        }

        /** With a peak and a final learning rate. */
        public Config withLearningRate(float learningRate, float minLearningRate) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With another number of warmup steps. */
        public Config withWarmupSteps(int warmupSteps) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With another weight decay. */
        public Config withWeightDecay(float weightDecay) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With another clipping norm (0: no clipping). */
        public Config withGradClip(float gradClip) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** Evaluating every {@code evalEvery} steps on {@code evalBatches} validation batches. */
        public Config withEvaluation(int evalEvery, int evalBatches) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With early stopping after {@code patience} evaluations without improvement (0: off). */
        public Config withPatience(int patience) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** Whether the best weights are put back at the end. */
        public Config withRestoreBest(boolean restoreBest) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }

        /** With another seed for the batch order. */
        public Config withSeed(long seed) {
            return new Config(maxSteps, batchSize, blockSize, batchOrder, optimizer, learningRate, minLearningRate,
                    warmupSteps, weightDecay, beta1, beta2, gradClip, evalEvery, evalBatches, patience, restoreBest, seed);
        }
    }

    /**
     * How training ended.
     *
     * @param stop why it ended
     * @param steps the updates made (the model's step count)
     * @param bestValidationLoss the lowest validation loss seen (NaN if there was no evaluation)
     * @param bestStep the step of that loss (-1 if none)
     * @param tokensPerSecond training throughput of this call: token positions (B·T per step) per second,
     *     evaluations excluded
     * @param message one line for humans
     * @param history every step so far
     */
    public record Result(Stop stop, int steps, double bestValidationLoss, int bestStep, double tokensPerSecond,
                         String message, TrainingHistory history) {

        /** This result, unless training diverged: then an exception with the message. */
        public Result orThrow() {
            if (stop == Stop.DIVERGED) {
                throw new IllegalStateException(message);
            }
            return this;
        }
    }

    /** Training settings that may differ from a checkpoint's when resuming. */
    private static final String[] MAY_CHANGE_ON_RESUME = {"maxSteps", "patience", "restoreBest"};
    /** Validation batches use their own seed, unrelated to the training batches'. */
    private static final long VALIDATION_SEED = 0x5EED_0F_7A1L;

    private final LanguageModel model;
    private final BatchSampler train, validation;
    private final Config config;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private TrainingHistory history = new TrainingHistory();
    private Path folder;
    private int step;
    private double bestLoss = Double.NaN;
    private int bestStep = -1, sinceBest;
    private Map<String, float[]> bestWeights;
    private double trainSeconds;

    /**
     * A trainer on a token stream: batches of {@code config.batchSize()} rows of
     * {@code config.blockSize()} tokens, in {@code config.batchOrder()}.
     *
     * @throws IllegalArgumentException if the data's vocabulary is larger than the model's, the block
     *     size is outside what the model accepts, or a part of the data is shorter than one block
     */
    public Trainer(LanguageModel model, TokenDataset data, Config config) {
        this(model, trainSampler(data, config), validationSampler(data, config), config, data.vocabSize());
        int block = config.blockSize();
        if (block < model.minSequenceLength()) {
            throw new IllegalArgumentException("block size " + block + " is shorter than the " + model.minSequenceLength()
                    + " tokens " + model.getClass().getSimpleName() + " needs per row: use withBlockSize("
                    + model.minSequenceLength() + ") or more");
        }
        if (block > model.maxSequenceLength()) {
            throw new IllegalArgumentException("block size " + block + " is longer than the configured context of "
                    + model.getClass().getSimpleName() + " (" + model.maxSequenceLength() + " tokens): use withBlockSize("
                    + model.maxSequenceLength() + ") or a model with a longer context");
        }
    }

    /** A trainer on batches from any samplers (e.g. chapter 12's masked chat examples). */
    public Trainer(LanguageModel model, BatchSampler train, BatchSampler validation, Config config) {
        this(model, train, validation, config, model.vocabSize());
    }

    private Trainer(LanguageModel model, BatchSampler train, BatchSampler validation, Config config, int dataVocabulary) {
        if (dataVocabulary > model.vocabSize()) {
            throw new IllegalArgumentException("vocabulary mismatch: the data uses " + dataVocabulary + " token ids but "
                    + model.getClass().getSimpleName() + " has a vocabulary of " + model.vocabSize()
                    + ": build the model with the tokenizer's vocabSize() (" + dataVocabulary + ")");
        }
        this.model = model;
        this.train = train;
        this.validation = validation;
        this.config = config;
        this.optimizer = switch (config.optimizer()) {
            case ADAMW -> new Optimizer.AdamW(Optimizer.ParamGroup.decayMatricesOnly(model.parameters(),
                    config.weightDecay()), config.learningRate(), config.beta1(), config.beta2(), 1e-8f);
            case SGD -> new Optimizer.SGD(model.parameters(), config.learningRate(), 0.9f, config.weightDecay());
        };
        this.schedule = new LearningRateSchedule.WarmupCosine(config.learningRate(), config.minLearningRate(),
                Math.min(config.warmupSteps(), config.maxSteps()), config.maxSteps());
    }

    private static BatchSampler trainSampler(TokenDataset data, Config config) {
        try {
            return switch (config.batchOrder()) {
                case RANDOM_WINDOWS -> BatchSampler.randomWindows(data.train(), config.batchSize(), config.blockSize(),
                        config.seed());
                case CONTIGUOUS_STREAMS -> BatchSampler.contiguousStreams(data.train(), config.batchSize(),
                        config.blockSize());
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("training part: " + e.getMessage(), e);
        }
    }

    private static BatchSampler validationSampler(TokenDataset data, Config config) {
        try {
            return BatchSampler.randomWindows(data.validation(), config.batchSize(), config.blockSize(),
                    config.seed() ^ VALIDATION_SEED);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("validation part: " + e.getMessage(), e);
        }
    }

    /**
     * Writes checkpoints into {@code folder} at every evaluation ({@value Checkpoint#LAST}, and
     * {@value Checkpoint#BEST} when the validation loss improved); returns this trainer.
     */
    public Trainer checkpoints(Path folder) {
        this.folder = folder;
        return this;
    }

    /**
     * Continues the run saved in {@code folder}: loads its {@value Checkpoint#LAST} checkpoint and
     * keeps writing checkpoints there. Returns this trainer; call {@link #fit()} next.
     *
     * @throws IllegalArgumentException if there is no checkpoint, or it was written for another model,
     *     model configuration or training settings (the message names every difference)
     */
    public Trainer resume(Path folder) {
        Checkpoint.State state = Checkpoint.read(folder, Checkpoint.LAST);
        Checkpoint.checkModel(folder, Checkpoint.LAST, state, model);
        List<String> differences = Checkpoint.differences(state.trainerConfig(), Checkpoint.JSON.valueToTree(config),
                MAY_CHANGE_ON_RESUME);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("checkpoint '" + Checkpoint.LAST + "' in " + folder + " was trained with "
                    + "other settings: " + String.join("; ", differences) + ". Resume with the same Trainer.Config (only "
                    + String.join(", ", MAY_CHANGE_ON_RESUME) + " may change), or start a new run in another folder");
        }
        Checkpoint.loadWeights(folder, Checkpoint.LAST, state, model);
        Checkpoint.loadOptimizer(folder, Checkpoint.LAST, state, optimizer);
        step = state.step();
        bestLoss = state.bestValidationLoss();
        bestStep = state.bestStep();
        sinceBest = state.evaluationsWithoutImprovement();
        history = new TrainingHistory();
        state.history().forEach(history::add);
        history.truncate(step + 1);
        trainSeconds = state.history().stream().mapToDouble(TrainingHistory.Entry::seconds)
                .filter(Double::isFinite).max().orElse(0);
        bestWeights = null;
        if (config.restoreBest() && Checkpoint.exists(folder, Checkpoint.BEST)) {
            Checkpoint.State best = Checkpoint.read(folder, Checkpoint.BEST);
            Map<String, float[]> current = copyWeights();
            Checkpoint.loadWeights(folder, Checkpoint.BEST, best, model);
            bestWeights = copyWeights();
            restore(current);
        }
        model.resetState();
        this.folder = folder;
        return this;
    }

    /**
     * Trains until {@code maxSteps}, early stopping, or divergence, showing a progress bar with the
     * loss, the validation loss, tokens per second and the time left. Evaluates at step 0, every
     * {@code evalEvery} steps and after the last step. When all steps are already done (a resumed
     * run that had finished), it returns at once.
     */
    public Result fit() {
        return fit(config.maxSteps());
    }

    /**
     * Trains until step {@code untilStep} (at most {@code maxSteps}) and pauses, so that a notebook can
     * look at the model half-way; {@link #fit()} or another {@code fit(n)} continues exactly as if
     * there had been no pause (the schedule runs over {@code maxSteps}; a recurrent model's carried
     * hidden state restarts). The best weights are restored
     * only when the whole run ends, not at a pause.
     *
     * @throws IllegalArgumentException if untilStep is negative or more than maxSteps
     */
    public Result fit(int untilStep) {
        if (untilStep < 0 || untilStep > config.maxSteps()) {
            throw new IllegalArgumentException("fit: untilStep must be in 0.." + config.maxSteps() + " (maxSteps), got "
                    + untilStep);
        }
        model.train();
        model.resetState();
        long tokens = 0;
        double seconds = 0;
        Stop stop = Stop.MAX_STEPS;
        String message = null;
        try (ProgressBar bar = Progress.start("train", config.maxSteps())) {
            bar.stepTo(Math.min(step, config.maxSteps()));
            while (true) {
                if (evaluationDue() && evaluateAndCheckpoint()) {
                    stop = Stop.EARLY_STOPPING;
                    message = String.format(Locale.ROOT, "early stopping at step %d: the validation loss has not "
                            + "improved for %d evaluations (best %.4f at step %d)", step, sinceBest, bestLoss, bestStep);
                    break;
                }
                if (step >= untilStep) {
                    if (step < config.maxSteps()) {
                        stop = Stop.PAUSED;
                    }
                    break;
                }
                float learningRate = schedule.at(step);
                long start = System.nanoTime();
                Batch batch = train.batch(step);
                Update update = update(batch, learningRate);
                double elapsed = (System.nanoTime() - start) / 1e9;
                seconds += elapsed;
                trainSeconds += elapsed;
                history.addTraining(step, update.loss(), learningRate, update.gradNorm(), trainSeconds);
                if (!update.finite()) {
                    stop = Stop.DIVERGED;
                    message = divergence(update, learningRate);
                    break;
                }
                tokens += batch.tokens();
                step++;
                bar.step();
                bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f | val %.3f | %s tok/s", update.loss(),
                        history.lastValidationLoss().orElse(Double.NaN), compact(tokens / seconds)));
            }
        }
        if (message == null && stop == Stop.PAUSED) {
            message = String.format(Locale.ROOT, "paused at step %d of %d: validation loss %.4f (best %.4f at step %d)",
                    step, config.maxSteps(), history.lastValidationLoss().orElse(Double.NaN), bestLoss, bestStep);
        }
        if (message == null) {
            message = String.format(Locale.ROOT, "trained %d steps: validation loss %.4f (best %.4f at step %d)", step,
                    history.lastValidationLoss().orElse(Double.NaN), bestLoss, bestStep);
        }
        if (stop == Stop.DIVERGED && !Boolean.getBoolean("minillm.quiet")) {
            System.err.println(message);
        }
        if (config.restoreBest() && bestWeights != null && stop != Stop.PAUSED) {
            restore(bestWeights);
        }
        model.resetState();
        return new Result(stop, step, bestLoss, bestStep, seconds > 0 ? tokens / seconds : Double.NaN, message, history);
    }

    /** The loss of a step's batch and the gradient norm before clipping; NaN or infinite: the weights were kept. */
    private record Update(float loss, float gradNorm) {
        boolean finite() {
            return Float.isFinite(loss) && Float.isFinite(gradNorm);
        }
    }

    /** One training step, the heart of the loop: forward, backward, clip, set the learning rate, update. */
    private Update update(Batch batch, float learningRate) {
        optimizer.zeroGrad();
        Tensor loss = model.loss(batch);                                  // forward: a scalar with its graph
        if (!Float.isFinite(loss.item())) {
            return new Update(loss.item(), Float.NaN);
        }
        loss.backward();                                                  // backpropagation: every p.grad()
        float norm = Optimizer.clipGradNorm(model.parameters(),           // the norm before clipping
                config.gradClip() > 0 ? config.gradClip() : Float.POSITIVE_INFINITY);
        if (!Float.isFinite(norm)) {
            return new Update(loss.item(), norm);
        }
        optimizer.setLearningRate(learningRate);
        optimizer.step();                                                 // each p moves against its gradient
        return new Update(loss.item(), norm);
    }

    /**
     * The mean loss over the {@code evalBatches} validation batches, in evaluation mode (no dropout)
     * and without recording a graph. The same batches every time, so evaluations compare.
     */
    public double evaluate() {
        boolean training = model.isTraining();
        model.eval();
        double total = 0;
        try (var _ = Autograd.noGrad()) {
            for (int i = 0; i < config.evalBatches(); i++) {
                total += model.loss(validation.batch(i)).item();
            }
        } finally {
            if (training) {
                model.train();
            }
        }
        return total / config.evalBatches();
    }

    /** The number of updates made so far. */
    public int step() {
        return step;
    }

    /** Every step so far. */
    public TrainingHistory history() {
        return history;
    }

    /** The settings. */
    public Config config() {
        return config;
    }

    /** The model being trained. */
    public LanguageModel model() {
        return model;
    }

    /** At step 0, every evalEvery steps and after the last one, unless already evaluated there (a resumed run). */
    private boolean evaluationDue() {
        boolean due = step % config.evalEvery() == 0 || step >= config.maxSteps();
        return due && history.entries().stream().noneMatch(e -> e.step() == step && !Double.isNaN(e.validationLoss()));
    }

    /** Evaluates, tracks the best loss, writes checkpoints; true when early stopping says stop. */
    private boolean evaluateAndCheckpoint() {
        double loss = evaluate();
        history.addValidation(step, loss);
        boolean improved = Double.isFinite(loss) && (Double.isNaN(bestLoss) || loss < bestLoss);
        if (improved) {
            bestLoss = loss;
            bestStep = step;
            sinceBest = 0;
            bestWeights = config.restoreBest() ? copyWeights() : null;
        } else {
            sinceBest++;
        }
        if (folder != null) {
            var state = new Checkpoint.State(model.getClass().getName(), Checkpoint.JSON.valueToTree(model.config()),
                    Checkpoint.JSON.valueToTree(config), step, bestLoss, bestStep, sinceBest, history.entries());
            Checkpoint.save(folder, Checkpoint.LAST, model, state, optimizer);
            if (improved) {
                Checkpoint.save(folder, Checkpoint.BEST, model, state, null);
            }
        }
        return config.patience() > 0 && sinceBest >= config.patience();
    }

    private String divergence(Update update, float learningRate) {
        String what = !Float.isFinite(update.loss()) ? "the training loss is " + update.loss()
                : "the gradient norm is " + update.gradNorm();
        String kept = folder == null ? "no checkpoints were being written"
                : "the last good checkpoint (step " + lastEvaluatedStep() + ") is kept in " + folder;
        return String.format(Locale.ROOT, "training diverged at step %d: %s. Stopped without updating the weights; %s. "
                + "Lower the learning rate (now %.3g) or clip the gradients (gradClip, now %s)", step, what, kept,
                learningRate, config.gradClip() > 0 ? Float.toString(config.gradClip()) : "off");
    }

    private int lastEvaluatedStep() {
        int last = -1;
        for (TrainingHistory.Entry e : history.entries()) {
            if (!Double.isNaN(e.validationLoss())) {
                last = e.step();
            }
        }
        return last;
    }

    private Map<String, float[]> copyWeights() {
        Map<String, float[]> copy = new LinkedHashMap<>();
        model.stateDict().forEach((name, tensor) -> copy.put(name, tensor.toArray()));
        return copy;
    }

    private void restore(Map<String, float[]> weights) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        model.stateDict().forEach((name, tensor) -> state.put(name, Tensor.of(weights.get(name).clone(), tensor.shape())));
        model.loadStateDict(state);
    }

    private static String compact(double perSecond) {
        return perSecond >= 1e4 ? String.format(Locale.ROOT, "%.1fk", perSecond / 1e3)
                : String.format(Locale.ROOT, "%.0f", perSecond);
    }
}
