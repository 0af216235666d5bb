package dev.minillm.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Byte-level byte-pair encoding (BPE), the tokenizer of GPT-2 and most LLMs since.
 *
 * <p>The vocabulary starts with one token per byte value, so any text can be encoded, and grows by
 * <em>merges</em>: "token A followed by token B becomes token C". Training ({@link BpeTrainer})
 * learns the merges, most frequent pair first. Encoding cuts the text into chunks with
 * {@link Gpt2Pattern}, writes each chunk as bytes, then replays the merges: it repeatedly applies,
 * everywhere in the chunk, the merge of lowest rank (learnt earliest) among the pairs present,
 * until no pair can be merged. Decoding concatenates the tokens' bytes and reads them as UTF-8.
 *
 * <pre>{@code
 * var gpt2 = Gpt2.fromNodeModules().orElseThrow();
 * gpt2.encode("Hello world");          // [15496, 995]
 * gpt2.tokens("Hello world");          // [Hello, " world"]
 * }</pre>
 *
 * <p>Two encoders give the same ids: {@link #encodePlain} is the readable reference, lists and
 * records exactly as described above; {@link #encode} is the fast path: a hand-written chunk
 * scanner, merge ranks in a primitive hash table and kept per pair while merging, and a cache of
 * the ids of each chunk already seen, since the same words come back again and again.
 */
public final class BpeTokenizer implements Tokenizer {

    /**
     * One rule: wherever {@code left} is directly followed by {@code right}, they become {@code token}.
     * Lower ranks were learnt earlier and apply first.
     */
    public record Merge(int rank, int left, int right, int token) {}

    /** Two adjacent tokens, the key of the readable merge table. */
    private record Pair(int left, int right) {}

    /** At most this many chunks are cached per thread (~10 MB), so a stream of new words cannot fill the heap. */
    private static final int CACHE_LIMIT = 100_000;

    /** id to the token's bytes; null for special tokens and ids the vocabulary leaves unused. */
    private final byte[][] tokenBytes;
    /** byte value (0..255) to the id of its one-byte token. */
    private final int[] idOfByte = new int[256];
    private final List<Merge> merges;
    /** The readable lookup: pair to merge. */
    private final Map<Pair, Merge> mergeOfPair = new HashMap<>();
    /** The fast lookup: packed pair to merge rank. */
    private final PairMap rankOfPair;
    private final Map<String, Integer> specialTokens;
    private final Map<Integer, String> specialText = new HashMap<>();
    private final int vocabSize;
    /** chunk text to its ids, for the fast path; one per thread, so threads never wait for each other. */
    private final ThreadLocal<ChunkCache> cache = ThreadLocal.withInitial(() -> new ChunkCache(CACHE_LIMIT));

    /**
     * A tokenizer from its parts.
     *
     * @param tokenBytes    id to bytes; every byte value must have a one-byte token; null marks an
     *                      id that is special or unused
     * @param mergePairs    the merges in rank order, as {left id, right id}; the merged bytes must be a token
     * @param specialTokens special token text to id; ids must not be regular tokens
     * @throws IllegalArgumentException naming the first inconsistency
     */
    BpeTokenizer(byte[][] tokenBytes, List<int[]> mergePairs, Map<String, Integer> specialTokens) {
        this.tokenBytes = tokenBytes;
        Map<String, Integer> idOfText = new HashMap<>(); // by byte-level text, a readable key for byte strings
        for (int id = 0; id < tokenBytes.length; id++) {
            if (tokenBytes[id] != null) {
                Integer before = idOfText.put(ByteLevel.encode(tokenBytes[id]), id);
                if (before != null) {
                    throw new IllegalArgumentException("tokens " + before + " and " + id + " are the same bytes '"
                            + Utf8.readable(tokenBytes[id]) + "': each token must be distinct");
                }
            }
        }
        for (int b = 0; b < 256; b++) {
            Integer id = idOfText.get(String.valueOf(ByteLevel.charOf(b)));
            if (id == null) {
                throw new IllegalArgumentException(String.format("the vocabulary has no token for byte 0x%02X: a byte-level"
                        + " BPE needs all 256, or some text could not be encoded", b));
            }
            idOfByte[b] = id;
        }
        List<Merge> merges = new ArrayList<>();
        rankOfPair = new PairMap(mergePairs.size());
        Set<Integer> made = new HashSet<>(); // tokens made by the merges so far
        for (int[] pair : mergePairs) {
            int rank = merges.size();
            String left = ByteLevel.encode(bytesOf(pair[0], "merge " + rank));
            String right = ByteLevel.encode(bytesOf(pair[1], "merge " + rank));
            for (int part : pair) {
                if (tokenBytes[part].length > 1 && !made.contains(part)) {
                    throw new IllegalArgumentException("merge " + rank + " (" + left + " " + right + ") uses '"
                            + ByteLevel.encode(tokenBytes[part]) + "' before any merge makes it: merges must be in the order they were learnt");
                }
            }
            Integer token = idOfText.get(left + right);
            if (token == null) {
                throw new IllegalArgumentException("merge " + rank + " (" + left + " " + right + ") makes '" + left + right
                        + "', which is not in the vocabulary");
            }
            var merge = new Merge(rank, pair[0], pair[1], token);
            if (mergeOfPair.putIfAbsent(new Pair(pair[0], pair[1]), merge) != null) {
                throw new IllegalArgumentException("merge " + rank + " (" + left + " " + right + ") appears twice");
            }
            rankOfPair.put(PairMap.key(pair[0], pair[1]), rank);
            made.add(token);
            merges.add(merge);
        }
        this.merges = Collections.unmodifiableList(merges);
        int size = tokenBytes.length;
        for (var special : specialTokens.entrySet()) {
            int id = special.getValue();
            if (id < tokenBytes.length && tokenBytes[id] != null || specialText.put(id, special.getKey()) != null) {
                throw new IllegalArgumentException("special token '" + special.getKey() + "' has id " + id + ", which is taken");
            }
            size = Math.max(size, id + 1);
        }
        this.specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
        this.vocabSize = size;
    }

    /**
     * Trains a tokenizer of {@code vocabSize} tokens (256 bytes + merges + special tokens) on a text;
     * see {@link BpeTrainer#train} for the merge trace.
     */
    public static BpeTokenizer train(String text, int vocabSize, String... specialTokens) {
        return BpeTrainer.train(text, vocabSize, List.of(specialTokens)).tokenizer();
    }

    /** Reads a BPE tokenizer written by {@link #save}. */
    public static BpeTokenizer load(Path file) {
        return fromFile(TokenizerFile.read(file, "bpe"));
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding, the fast path

    @Override
    public int[] encode(String text) {
        ChunkCache chunks = cache.get();
        var ids = new IntList();
        for (int start = 0, end; start < text.length(); start = end) {
            end = Gpt2Pattern.chunkEnd(text, start);
            int hash = ChunkCache.hash(text, start, end);
            int[] chunkIds = chunks.get(text, start, end, hash);
            if (chunkIds == null) {
                chunkIds = mergeFast(Utf8.encode(text, start, end));
                chunks.put(text.substring(start, end), hash, chunkIds);
            }
            ids.addAll(chunkIds);
        }
        return ids.toArray();
    }

    /**
     * {@link #mergePlain} with less work: the rank of each adjacent pair is looked up once and kept
     * in an array; each step merges the leftmost pair of lowest rank and looks up only the two new
     * pairs beside it. Merging one occurrence at a time gives the same result as merging all of
     * them at once, because a merge that uses the new token always has a higher rank (the
     * constructor checks this order).
     */
    private int[] mergeFast(byte[] bytes) {
        int length = bytes.length;
        int[] word = new int[length];
        for (int i = 0; i < length; i++) {
            word[i] = idOfByte[bytes[i] & 0xFF];
        }
        int[] ranks = new int[Math.max(length - 1, 0)]; // ranks[i]: rank of (word[i], word[i + 1])
        for (int i = 0; i + 1 < length; i++) {
            ranks[i] = rank(word[i], word[i + 1]);
        }
        while (length > 1) {
            int best = 0;
            for (int i = 1; i < length - 1; i++) {
                if (ranks[i] < ranks[best]) {
                    best = i;
                }
            }
            if (ranks[best] == NO_MERGE) {
                break;
            }
            word[best] = merges.get(ranks[best]).token();
            System.arraycopy(word, best + 2, word, best + 1, length - best - 2);
            if (best + 2 < length - 1) { // the ranks after the merge move left by one
                System.arraycopy(ranks, best + 2, ranks, best + 1, length - best - 3);
            }
            length--;
            if (best > 0) {
                ranks[best - 1] = rank(word[best - 1], word[best]);
            }
            if (best < length - 1) {
                ranks[best] = rank(word[best], word[best + 1]);
            }
        }
        return Arrays.copyOf(word, length);
    }

    /** Stands for "no merge" in the fast path's rank arrays: higher than any rank. */
    private static final int NO_MERGE = Integer.MAX_VALUE;

    private int rank(int left, int right) {
        return (int) rankOfPair.get(PairMap.key(left, right), NO_MERGE);
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding, the readable reference

    /** The readable reference encoder: same ids as {@link #encode}, no cache, no tricks. */
    public int[] encodePlain(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String chunk : Gpt2Pattern.splitPlain(text)) {
            List<Integer> word = new ArrayList<>();
            for (byte b : Utf8.encode(chunk)) {
                word.add(idOfByte[b & 0xFF]);
            }
            ids.addAll(mergePlain(word));
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** BPE on one chunk: apply the lowest-ranked merge present, everywhere, until none applies. */
    private List<Integer> mergePlain(List<Integer> word) {
        while (word.size() >= 2) {
            Merge best = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Merge merge = mergeOfPair.get(new Pair(word.get(i), word.get(i + 1)));
                if (merge != null && (best == null || merge.rank() < best.rank())) {
                    best = merge;
                }
            }
            if (best == null) {
                break;
            }
            word = replacePair(word, best.left(), best.right(), best.token());
        }
        return word;
    }

    /** The word with every non-overlapping (left, right), scanning left to right, replaced by token. */
    static List<Integer> replacePair(List<Integer> word, int left, int right, int token) {
        List<Integer> merged = new ArrayList<>(word.size());
        for (int i = 0; i < word.size(); i++) {
            if (i + 1 < word.size() && word.get(i) == left && word.get(i + 1) == right) {
                merged.add(token);
                i++;
            } else {
                merged.add(word.get(i));
            }
        }
        return merged;
    }

    // ---------------------------------------------------------------------------------------------
    // Decoding and the vocabulary

    /** The text of the ids; bytes that are not valid UTF-8 become U+FFFD (see {@link Utf8#decode}). */
    @Override
    public String decode(int[] ids) {
        return Utf8.decode(decodeBytes(ids));
    }

    /** The bytes of the ids, concatenated: exact even when the ids cut a character in two. */
    public byte[] decodeBytes(int[] ids) {
        var bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            String special = specialText.get(id);
            bytes.writeBytes(special != null ? Utf8.encode(special) : tokenBytes(id));
        }
        return bytes.toByteArray();
    }

    /**
     * The bytes of one regular token.
     *
     * @throws IllegalArgumentException if the id is out of range, unused, or a special token
     */
    public byte[] tokenBytes(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary [0, " + vocabSize + ")");
        }
        if (id >= tokenBytes.length || tokenBytes[id] == null) {
            throw new IllegalArgumentException("token id " + id + (specialText.containsKey(id)
                    ? " is the special token " + specialText.get(id) + ", which has no bytes" : " is not used by this vocabulary"));
        }
        return tokenBytes[id].clone();
    }

    @Override
    public String token(int id) {
        String special = specialText.get(id);
        return special != null ? special : Utf8.readable(tokenBytes(id));
    }

    /** The merges in rank order. */
    public List<Merge> merges() {
        return merges;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return specialTokens;
    }

    /** Always true: every byte has a token, so every string of valid Unicode survives the round trip. */
    @Override
    public boolean lossless() {
        return true;
    }

    @Override
    public String toString() {
        return String.format("byte-level BPE (%,d tokens)", vocabSize);
    }

    // ---------------------------------------------------------------------------------------------
    // The file

    /**
     * Saves as JSON: {@code "tokens"} lists each id's bytes in GPT-2's byte-level form
     * ({@link ByteLevel}, null for special and unused ids), {@code "merges"} lists the merges in rank
     * order as {@code "left right"} in the same form, like GPT-2's {@code vocab.bpe}.
     */
    @Override
    public Path save(Path file) {
        var root = TokenizerFile.start("bpe", specialTokens);
        root.put("pattern", "gpt2");
        var tokens = root.putArray("tokens");
        for (byte[] bytes : tokenBytes) {
            if (bytes == null) {
                tokens.addNull();
            } else {
                tokens.add(ByteLevel.encode(bytes));
            }
        }
        var mergeLines = root.putArray("merges");
        for (Merge merge : merges) {
            mergeLines.add(ByteLevel.encode(tokenBytes[merge.left()]) + " " + ByteLevel.encode(tokenBytes[merge.right()]));
        }
        return TokenizerFile.write(root, file);
    }

    static BpeTokenizer fromFile(TokenizerFile.Fields fields) {
        if (!"gpt2".equals(fields.text("pattern"))) {
            throw fields.corrupt("pattern '" + fields.text("pattern") + "' is unknown; only 'gpt2' exists");
        }
        List<String> tokens = fields.strings("tokens", true);
        byte[][] bytes = new byte[tokens.size()][];
        Map<String, Integer> idOfText = new HashMap<>();
        for (int id = 0; id < tokens.size(); id++) {
            String token = tokens.get(id);
            if (token != null) {
                if (!ByteLevel.isByteLevel(token)) {
                    throw fields.corrupt("token " + id + " '" + token + "' is not byte-level text");
                }
                bytes[id] = ByteLevel.decode(token);
                idOfText.put(token, id);
            }
        }
        List<int[]> mergePairs = new ArrayList<>();
        for (String line : fields.strings("merges", false)) {
            String[] parts = line.split(" ", -1);
            if (parts.length != 2 || !idOfText.containsKey(parts[0]) || !idOfText.containsKey(parts[1])) {
                throw fields.corrupt("merge " + mergePairs.size() + " '" + line + "' is not two tokens of the vocabulary");
            }
            mergePairs.add(new int[] {idOfText.get(parts[0]), idOfText.get(parts[1])});
        }
        try {
            return new BpeTokenizer(bytes, mergePairs, fields.specialTokens());
        } catch (IllegalArgumentException e) {
            throw fields.corrupt(e.getMessage());
        }
    }

    private byte[] bytesOf(int id, String where) {
        if (id < 0 || id >= tokenBytes.length || tokenBytes[id] == null) {
            throw new IllegalArgumentException(where + " uses token id " + id + ", which is not a regular token");
        }
        return tokenBytes[id];
    }
}
