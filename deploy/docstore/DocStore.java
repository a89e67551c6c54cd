import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;

/**
 * The embedded document store for development and CI: mongo-java-server (a MongoDB
 * wire-protocol server on the JVM) with what the platform relies on and the library lacks.
 *
 * <ul>
 *   <li>Secondary (non-unique) indexes are real. The library accepts such indexes but ignores
 *       them, so without this every compound filter scans its collection. Here a query is
 *       narrowed as MongoDB's planner would: equality or {@code $in} on an index's leading
 *       keys, then a range on the next key; a sort on the keys that
 *       follow is read in index order, so {@code sort + limit} stops after the page.</li>
 *   <li>A long {@code $in} of strings is matched by set membership, as on MongoDB, not by
 *       comparing with every listed value ({@link InSets}).</li>
 *   <li>An {@code aggregate} whose pipeline opens with {@code $match} reads its documents
 *       through the same index choice instead of the whole collection.</li>
 *   <li>{@code find} and {@code aggregate} answer copies of the documents taken under the
 *       collection's lock. The library hands out the stored documents themselves, so a
 *       concurrent update could change a document after it matched the filter.</li>
 *   <li>The memory backend keeps each document as its BSON bytes, decoded on read and encoded on
 *       write, not as the library's tree of maps: at 100,000 goals 3.7 GB of heap instead of 9.2,
 *       and one object without references per document for the collector ({@link IndexedMemoryCollection}).</li>
 *   <li>It reports wire version 9 (MongoDB 4.4), which current pymongo requires.</li>
 *   <li>{@code --backend h2 --file F} is durable: every write command is committed to the
 *       file before it is acknowledged, so acknowledged writes survive {@code kill -9}.</li>
 *   <li>TTL indexes ({@code expireAfterSeconds}) expire documents as MongoDB's TTL monitor
 *       does, every {@code --ttl-interval} seconds (60, as on MongoDB). A TTL index is
 *       known from its {@code createIndexes}: services declare their indexes at start-up.</li>
 * </ul>
 *
 * Usage: {@code java -cp 'libs/*:classes' DocStore --port 27017 [--backend memory|h2] [--file store.mv]}
 * Production runs MongoDB; this server is a stand-in.
 */
public final class DocStore {

    private DocStore() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String host = options.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(options.getOrDefault("port", "27017"));
        String backendName = options.getOrDefault("backend", "memory");

        MongoBackend backend;
        if (backendName.equals("memory")) {
            backend = new IndexedMemoryBackend();
        } else if (backendName.equals("h2")) {
            Path file = Path.of(options.getOrDefault("file", "docstore.mv"));
            Files.createDirectories(file.toAbsolutePath().getParent());
            h2Store = new MVStore.Builder().fileName(file.toString()).open();
            backend = new DurableH2Backend(h2Store);
        } else {
            throw new IllegalArgumentException("--backend is memory or h2, not " + backendName);
        }
        backend.version(WIRE_VERSION_9);
        TtlMonitor.start(backend, Integer.parseInt(options.getOrDefault("ttl-interval", "60")));

        MongoServer server = new MongoServer(backend);
        server.bind(host, port);
        System.out.println("DocStore ready on " + host + ":" + port + " (" + backendName + ")");
        System.out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static final MongoVersion WIRE_VERSION_9 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    // --- index choice and reads, shared by both backends -------------------------------------

    /** The pipeline's opening {@code $match} of the aggregate being run on this thread, by namespace. */
    private static final ThreadLocal<Map.Entry<String, Document>> AGGREGATE_MATCH = new ThreadLocal<>();

    /** Set while a client's read runs, so that it answers copies taken under the collection's lock. */
    private static final ThreadLocal<Boolean> CLIENT_READ = ThreadLocal.withInitial(() -> false);

    /** What a query reads: the positions of its candidates, in index order when {@code ordered}. */
    record Plan<P>(Iterable<P> positions, boolean ordered) {
    }

    /**
     * The read for a query: a unique index that serves it exactly, else the secondary index
     * that narrows it most (an equality prefix, then a range on the next key), else a
     * secondary index whose order is the sort's, read in that order; null to scan.
     */
    static <P> Plan<P> planFor(List<Index<P>> indexes, Document query, Document orderBy) {
        SecondaryIndex<P> best = null;
        int bestScore = 0;
        for (Index<P> index : indexes) {
            if (index instanceof SecondaryIndex) {
                SecondaryIndex<P> secondary = (SecondaryIndex<P>) index;
                int score = secondary.score(query, orderBy);
                if (score > bestScore) {
                    best = secondary;
                    bestScore = score;
                }
            } else if (index.canHandle(query)) {
                return new Plan<>(index.getPositions(query), false);
            } else {
                Document exact = equalitiesOn(index, query);
                if (exact != null && index.canHandle(exact)) {
                    return new Plan<>(index.getPositions(exact), false);
                }
            }
        }
        return best == null ? null : best.plan(query, orderBy);
    }

    /** The part of the query that fixes every key of a unique index by equality, or null. */
    private static <P> Document equalitiesOn(Index<P> index, Document query) {
        Document exact = new Document();
        for (IndexKey key : index.getKeys()) {
            Object value = query.get(key.getKey());
            if (!SecondaryIndex.isPlainValue(value)) {
                return null;
            }
            exact.put(key.getKey(), value);
        }
        return exact;
    }

    /** The documents an aggregate's opening $match selects, read through an index, or null to read all. */
    static Document aggregateMatchFor(String namespace) {
        Map.Entry<String, Document> match = AGGREGATE_MATCH.get();
        return match != null && match.getKey().equals(namespace) ? match.getValue() : null;
    }

    static Document handleAggregate(String databaseName, Document command, java.util.function.Supplier<Document> run) {
        Object pipeline = command.get("pipeline");
        Object collection = command.get("aggregate");
        if (pipeline instanceof List && !((List<?>) pipeline).isEmpty() && collection instanceof String) {
            Object first = ((List<?>) pipeline).get(0);
            if (first instanceof Document && ((Document) first).get("$match") instanceof Document) {
                Document match = (Document) ((Document) first).get("$match");
                AGGREGATE_MATCH.set(Map.entry(databaseName + "." + collection, match));
                try {
                    return run.get();
                } finally {
                    AGGREGATE_MATCH.remove();
                }
            }
        }
        return run.get();
    }

    /** Commands that answer documents to a client: they get copies taken under the collection's lock. */
    private static final Set<String> CLIENT_READS = Set.of("find", "aggregate");

    static Document asClientRead(String command, java.util.function.Supplier<Document> run) {
        if (!CLIENT_READS.contains(command.toLowerCase())) {
            return run.get();
        }
        CLIENT_READ.set(true);
        try {
            return run.get();
        } finally {
            CLIENT_READ.set(false);
        }
    }

    /** What the collections below share: reads planned on the indexes, answered with copies. */
    interface PlannedReads<P> {
        List<Index<P>> getIndexes();

        Document document(P position);

        boolean matches(Document document, Document query);

        QueryResult answer(Document query, Stream<Document> documents, Document orderBy, int skip, int limit,
                           int batchSize, Document fields, boolean sorted);

        Stream<Document> scan(Document orderBy);

        /** Whether every read already answers documents of its own (decoded from stored bytes), so no copy is needed. */
        default boolean freshCopies() {
            return false;
        }

        default QueryResult read(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
            Plan<P> plan = planFor(getIndexes(), query, orderBy);
            Stream<Document> candidates = plan == null ? scan(orderBy)
                : StreamSupport.stream(plan.positions().spliterator(), false).map(this::document).filter(java.util.Objects::nonNull);
            Stream<Document> matched = candidates.filter(document -> matches(document, query));
            if (CLIENT_READ.get() && !freshCopies()) {
                matched = matched.map(Document::cloneDeeply);
            }
            return answer(new Document(), matched, orderBy, skip, limit, batchSize, fields, plan != null && plan.ordered());
        }
    }

    // --- TTL indexes ------------------------------------------------------------------------

    /** Deletes expired documents of every TTL index declared since the store started. */
    static final class TtlMonitor {
        private static final Map<List<String>, Long> TTL_FIELDS = new java.util.concurrent.ConcurrentHashMap<>();

        /** Remember the TTL indexes of a createIndexes command: (database, collection, field) to seconds. */
        static void register(String databaseName, Document command) {
            Object collection = command.get("createIndexes");
            Object indexes = command.get("indexes");
            if (!(collection instanceof String) || !(indexes instanceof List)) {
                return;
            }
            for (Object index : (List<?>) indexes) {
                if (index instanceof Document && ((Document) index).get("expireAfterSeconds") instanceof Number
                    && ((Document) index).get("key") instanceof Document) {
                    Document key = (Document) ((Document) index).get("key");
                    if (key.size() == 1) {
                        long seconds = ((Number) ((Document) index).get("expireAfterSeconds")).longValue();
                        TTL_FIELDS.put(List.of(databaseName, (String) collection, key.keySet().iterator().next()), seconds);
                    }
                }
            }
        }

        static void start(MongoBackend backend, int intervalSeconds) {
            java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "ttl-monitor");
                thread.setDaemon(true);
                return thread;
            });
            io.netty.channel.Channel channel = new io.netty.channel.embedded.EmbeddedChannel();
            timer.scheduleWithFixedDelay(() -> expire(backend, channel), intervalSeconds, intervalSeconds, java.util.concurrent.TimeUnit.SECONDS);
        }

        private static void expire(MongoBackend backend, io.netty.channel.Channel channel) {
            for (Map.Entry<List<String>, Long> ttl : TTL_FIELDS.entrySet()) {
                String database = ttl.getKey().get(0);
                String collection = ttl.getKey().get(1);
                String field = ttl.getKey().get(2);
                java.time.Instant cutoff = java.time.Instant.now().minusSeconds(ttl.getValue());
                Document delete = new Document("q", new Document(field, new Document("$lt", cutoff))).append("limit", 0);
                Document command = new Document("delete", collection).append("deletes", List.of(delete)).append("$db", database);
                try {
                    backend.handleCommand(channel, database, "delete", command);
                } catch (RuntimeException e) {
                    System.err.println("TTL expiry of " + ttl.getKey() + " failed: " + e);
                }
            }
        }
    }

    /** A command with what this store adds around it: TTL registration, an aggregate's index choice, copies for readers. */
    static Document dispatch(String databaseName, String command, Document query, java.util.function.Supplier<Document> run) {
        if (command.equalsIgnoreCase("createIndexes")) {
            TtlMonitor.register(databaseName, query);
        }
        if (command.equalsIgnoreCase("aggregate")) {
            return asClientRead(command, () -> handleAggregate(databaseName, query, run));
        }
        return asClientRead(command, run);
    }

    // --- memory backend (tests) ----------------------------------------------------------

    static final class IndexedMemoryBackend extends MemoryBackend {
        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new IndexedMemoryDatabase(databaseName, getCursorRegistry());
        }

        @Override
        public Document handleCommand(io.netty.channel.Channel channel, String databaseName, String command, Document query) {
            return dispatch(databaseName, command, query, () -> super.handleCommand(channel, databaseName, command, query));
        }
    }

    static final class IndexedMemoryDatabase extends MemoryDatabase {
        IndexedMemoryDatabase(String databaseName, CursorRegistry cursorRegistry) {
            super(databaseName, cursorRegistry);
        }

        @Override
        protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
            return new IndexedMemoryCollection(this, collectionName, options, cursorRegistry);
        }

        @Override
        protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            return new SecondaryIndex<>(indexName, keys, sparse);
        }
    }

    /**
     * A collection that keeps each document as its BSON bytes, decoded on every read and encoded
     * again on every write (as MongoDB's storage engine does), where the library's memory backend
     * keeps the decoded tree of maps, lists and boxed values. At 100,000 goals the stores hold
     * about 1.5 million documents: as trees they filled a 10g heap with hundreds of millions of
     * small objects, and every young collection of G1 scanned the references among them (547
     * pauses of 0.57 s on average in one 90 s growth run on two cores); as bytes each document is
     * one object with no references (3.7 GB of old generation at 100,000
     * goals, indexes included, against 9.2 GB). Reads answer fresh documents,
     * so no reader ever holds a stored one. The library's own fields stay empty: every method
     * that touches them is overridden here.
     */
    static final class IndexedMemoryCollection extends MemoryCollection implements PlannedReads<Integer> {
        private final List<byte[]> stored = new ArrayList<>();
        private final java.util.ArrayDeque<Integer> free = new java.util.ArrayDeque<>();
        private int dataSize;

        IndexedMemoryCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors) {
            super(database, name, options, cursors);
        }

        static byte[] encode(Document document) {
            io.netty.buffer.ByteBuf buffer = io.netty.buffer.Unpooled.buffer(256);
            try {
                de.bwaldvogel.mongo.wire.bson.BsonEncoder.encodeDocument(document, buffer);
                byte[] bytes = new byte[buffer.readableBytes()];
                buffer.readBytes(bytes);
                return bytes;
            } finally {
                buffer.release();
            }
        }

        static Document decode(byte[] bytes) {
            return de.bwaldvogel.mongo.wire.bson.BsonDecoder.decodeBson(io.netty.buffer.Unpooled.wrappedBuffer(bytes));
        }

        @Override
        protected synchronized Integer addDocumentInternal(Document document) {
            byte[] bytes = encode(document);
            Integer position = free.poll();
            if (position == null) {
                stored.add(bytes);
                return stored.size() - 1;
            }
            stored.set(position, bytes);
            return position;
        }

        @Override
        protected synchronized Document getDocument(Integer position) {
            byte[] bytes = position < stored.size() ? stored.get(position) : null;
            return bytes == null ? null : decode(bytes);
        }

        @Override
        protected synchronized void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
            stored.set(position, encode(newDocument));
        }

        @Override
        protected synchronized void removeDocument(Integer position) {
            stored.set(position, null);
            free.add(position);
        }

        @Override
        protected synchronized void updateDataSize(int sizeDelta) {
            dataSize += sizeDelta;
        }

        @Override
        protected synchronized int getDataSize() {
            return dataSize;
        }

        @Override
        public synchronized int count() {
            return stored.size() - free.size();
        }

        @Override
        public synchronized boolean isEmpty() {
            return count() == 0;
        }

        @Override
        protected synchronized Stream<DocumentWithPosition<Integer>> streamAllDocumentsWithPosition() {
            List<DocumentWithPosition<Integer>> all = new ArrayList<>(count());
            for (int position = 0; position < stored.size(); position++) {
                byte[] bytes = stored.get(position);
                if (bytes != null) {
                    all.add(new DocumentWithPosition<>(decode(bytes), position));
                }
            }
            return all.stream();
        }

        @Override
        protected Integer findDocumentPosition(Document document) {
            return streamAllDocumentsWithPosition().filter(match -> match.getDocument().equals(document))
                .map(DocumentWithPosition::getPosition).findFirst().orElse(null);
        }

        @Override
        protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
            return matchDocumentsFromStream(scan(orderBy), query, orderBy, skip, limit, batchSize, fields);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
            return read(query, orderBy, skip, limit, batchSize, fields);
        }

        @Override
        public Document document(Integer position) {
            return getDocument(position);
        }

        @Override
        public boolean freshCopies() {
            return true;
        }

        @Override
        protected boolean documentMatchesQuery(Document document, Document query) {
            return InSets.matches(document, query, super::documentMatchesQuery);
        }

        @Override
        public boolean matches(Document document, Document query) {
            return documentMatchesQuery(document, query);
        }

        @Override
        public Stream<Document> scan(Document orderBy) {
            return naturalOrder(streamAllDocumentsWithPosition().map(DocumentWithPosition::getDocument), orderBy);
        }

        @Override
        public QueryResult answer(Document query, Stream<Document> documents, Document orderBy, int skip, int limit,
                                  int batchSize, Document fields, boolean sorted) {
            return matchDocumentsFromStream(documents, query, sorted ? null : orderBy, skip, limit, batchSize, fields);
        }

        @Override
        public Stream<Document> queryAllAsStream() {
            Document match = aggregateMatchFor(getFullName());
            return match == null ? super.queryAllAsStream() : StreamSupport.stream(handleQuery(match).spliterator(), false);
        }
    }

    /** The scan in the order a {@code $natural: -1} sort asks for (the stored order otherwise). */
    static Stream<Document> naturalOrder(Stream<Document> documents, Document orderBy) {
        Object natural = orderBy == null ? null : orderBy.get("$natural");
        if (!(natural instanceof Number) || ((Number) natural).intValue() != -1) {
            return documents;
        }
        List<Document> all = new ArrayList<>(documents.toList());
        java.util.Collections.reverse(all);
        return all.stream();
    }

    // --- H2 backend (make up): durable ------------------------------------------------------

    /** The one file store of this process (the library's constructors open databases before subclass fields are set). */
    private static MVStore h2Store;

    /** Commands after which the store's file must hold the change before the reply goes out. */
    private static final Set<String> WRITE_COMMANDS = Set.of(
        "insert", "update", "delete", "findandmodify", "createindexes", "dropindexes", "drop",
        "dropdatabase", "create", "renamecollection");

    static final class DurableH2Backend extends H2Backend {
        DurableH2Backend(MVStore store) {
            super(store);
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            return new IndexedH2Database(databaseName, h2Store, getCursorRegistry());
        }

        @Override
        public Document handleCommand(io.netty.channel.Channel channel, String databaseName, String command, Document query) {
            Document reply = dispatch(databaseName, command, query, () -> super.handleCommand(channel, databaseName, command, query));
            if (WRITE_COMMANDS.contains(command.toLowerCase())) {
                commit();
            }
            return reply;
        }
    }

    static final class IndexedH2Database extends H2Database {
        IndexedH2Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
            super(databaseName, store, cursorRegistry);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String fullName = getDatabaseName() + "." + collectionName;
            MVMap<Object, Document> dataMap = h2Store.openMap("databases." + fullName);
            MVMap<String, Object> metaMap = h2Store.openMap("meta." + fullName);
            return new IndexedH2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        @Override
        protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            return new SecondaryIndex<>(indexName, keys, sparse);
        }
    }

    static final class IndexedH2Collection extends H2Collection implements PlannedReads<Object> {
        IndexedH2Collection(MongoDatabase database, String name, CollectionOptions options,
                            MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursors) {
            super(database, name, options, dataMap, metaMap, cursors);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
            return read(query, orderBy, skip, limit, batchSize, fields);
        }

        @Override
        public Document document(Object position) {
            return getDocument(position);
        }

        @Override
        protected boolean documentMatchesQuery(Document document, Document query) {
            return InSets.matches(document, query, super::documentMatchesQuery);
        }

        @Override
        public boolean matches(Document document, Document query) {
            return documentMatchesQuery(document, query);
        }

        @Override
        public Stream<Document> scan(Document orderBy) {
            return naturalOrder(streamAllDocumentsWithPosition().map(DocumentWithPosition::getDocument), orderBy);
        }

        @Override
        public QueryResult answer(Document query, Stream<Document> documents, Document orderBy, int skip, int limit,
                                  int batchSize, Document fields, boolean sorted) {
            return matchDocumentsFromStream(documents, query, sorted ? null : orderBy, skip, limit, batchSize, fields);
        }

        @Override
        public Stream<Document> queryAllAsStream() {
            Document match = aggregateMatchFor(getFullName());
            return match == null ? super.queryAllAsStream() : StreamSupport.stream(handleQuery(match).spliterator(), false);
        }
    }

    // --- $in by set membership --------------------------------------------------------------

    /**
     * MongoDB matches {@code $in} by membership; the library compares a value with each listed
     * value in turn, so reading or deleting n documents by a list of n ids costs n² comparisons
     * (5,000 ids: 1.5 s). Here a top-level field's {@code $in} of more than SMALL strings is
     * matched through a hash set (a string field: it is listed; an array: one of its strings
     * is), and the rest of the query by the library. Smaller lists, lists that hold anything
     * but strings, and dotted paths keep the library's matching. The set is built once per
     * query: a read matches every candidate with the same query document.
     */
    static final class InSets {
        private static final int SMALL = 16;
        private record Prepared(Document query, Map<String, Set<String>> sets, Document rest) {}
        private static final ThreadLocal<Prepared> LAST = new ThreadLocal<>();

        static boolean matches(Document document, Document query, java.util.function.BiPredicate<Document, Document> library) {
            if (query.isEmpty()) {  // the library matches the survivors of a read again, with an empty query
                return true;
            }
            Prepared prepared = LAST.get();
            if (prepared == null || prepared.query() != query) {
                prepared = prepare(query);
                LAST.set(prepared);
            }
            if (prepared.sets().isEmpty()) {
                return library.test(document, query);
            }
            for (Map.Entry<String, Set<String>> in : prepared.sets().entrySet()) {
                if (!holdsAny(document.get(in.getKey()), in.getValue())) {
                    return false;
                }
            }
            return prepared.rest().isEmpty() || library.test(document, prepared.rest());
        }

        private static Prepared prepare(Document query) {
            Map<String, Set<String>> sets = new HashMap<>();
            Document rest = new Document();
            for (Map.Entry<String, Object> entry : query.entrySet()) {
                String key = entry.getKey();
                Set<String> strings = key.startsWith("$") || key.contains(".") ? null : stringsIn(entry.getValue());
                if (strings != null) {
                    sets.put(key, strings);
                } else {
                    rest.put(key, entry.getValue());
                }
            }
            return new Prepared(query, sets, rest);
        }

        private static Set<String> stringsIn(Object value) {
            if (!(value instanceof Document) || ((Document) value).size() != 1
                || !(((Document) value).get("$in") instanceof Collection<?> listed) || listed.size() <= SMALL) {
                return null;
            }
            Set<String> strings = new java.util.HashSet<>();
            for (Object one : listed) {
                if (!(one instanceof String)) {
                    return null;
                }
                strings.add((String) one);
            }
            return strings;
        }

        private static boolean holdsAny(Object value, Set<String> strings) {
            if (value instanceof String) {
                return strings.contains(value);
            }
            if (value instanceof Collection<?> values) {
                return values.stream().anyMatch(strings::contains);
            }
            return false;
        }
    }

    // --- the secondary index ---------------------------------------------------------------

    /**
     * A non-unique index kept in memory (rebuilt from the documents when the store opens): its
     * key tuples in index order, each with the positions of the documents that hold it. A query
     * is narrowed by equality or {@code $in} on leading keys, then by a range on the next key; a sort on the keys that follow is read in index order, so a limit stops the
     * read early. The collection still matches every candidate against the whole query.
     */
    static final class SecondaryIndex<P> extends Index<P> {
        private static final Set<String> RANGE_OPERATORS = Set.of("$gt", "$gte", "$lt", "$lte");
        private static final ValueComparator ORDER = ValueComparator.asc();
        private static final int MAX_TUPLES = 10_000;
        private final int[] directions;
        private final java.util.TreeMap<List<Object>, Set<P>> entries;
        private final Map<Object, P> positionById = new HashMap<>();
        private final Map<Object, List<List<Object>>> tuplesById = new HashMap<>();

        SecondaryIndex(String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            directions = keys.stream().mapToInt(key -> key.isAscending() ? 1 : -1).toArray();
            entries = new java.util.TreeMap<>(this::compareTuples);
        }

        private int compareTuples(List<Object> a, List<Object> b) {
            for (int i = 0; i < directions.length; i++) {
                int compared = ORDER.compare(a.get(i), b.get(i));
                if (compared != 0) {
                    return compared * directions[i];
                }
            }
            return 0;
        }

        static boolean isPlainValue(Object value) {
            return value != null && !(value instanceof Document) && !(value instanceof Collection)
                && !(value instanceof Missing) && !(value instanceof BsonRegularExpression)
                && !(value instanceof java.util.regex.Pattern);
        }

        private static Collection<?> inList(Object value) {
            if (!(value instanceof Document) || ((Document) value).size() != 1) {
                return null;
            }
            Object in = ((Document) value).get("$in");
            return in instanceof Collection && ((Collection<?>) in).stream().allMatch(SecondaryIndex::isPlainValue)
                ? (Collection<?>) in : null;
        }

        private static Document rangeOf(Object value) {
            if (!(value instanceof Document) || ((Document) value).isEmpty()) {
                return null;
            }
            Document range = (Document) value;
            for (Map.Entry<String, Object> bound : range.entrySet()) {
                if (!RANGE_OPERATORS.contains(bound.getKey()) || !isPlainValue(bound.getValue())) {
                    return null;
                }
            }
            return range;
        }

        /**
         * The values the query fixes for the index's leading keys, each key by equality or by
         * {@code $in}: every combination, as key tuples (one tuple when no {@code $in} is among
         * them). A key joins the prefix only while the combinations stay at most MAX_TUPLES.
         */
        private List<List<Object>> fixedTuples(Document query) {
            List<List<Object>> tuples = new ArrayList<>();
            tuples.add(List.of());
            for (String key : keys()) {
                Object value = query.get(key);
                Collection<?> values = isPlainValue(value) ? List.of(value) : inList(value);
                if (values == null || (long) tuples.size() * values.size() > MAX_TUPLES) {
                    break;
                }
                List<List<Object>> longer = new ArrayList<>();
                for (List<Object> tuple : tuples) {
                    for (Object one : values) {
                        List<Object> extended = new ArrayList<>(tuple);
                        extended.add(normalized(one));
                        longer.add(extended);
                    }
                }
                tuples = longer;
                if (tuples.isEmpty()) {  // $in of nothing: no document can match
                    break;
                }
            }
            return tuples;
        }

        private static int prefixOf(List<List<Object>> tuples) {
            return tuples.isEmpty() ? 1 : tuples.get(0).size();
        }

        /** Whether the sort is this index's order after `prefix` keys (+1), its reverse (-1), or neither (0). */
        private int sortDirection(Document orderBy, int prefix) {
            if (orderBy == null || orderBy.isEmpty() || orderBy.size() > directions.length - prefix) {
                return 0;
            }
            int direction = 0;
            int i = prefix;
            for (Map.Entry<String, Object> sort : orderBy.entrySet()) {
                if (!sort.getKey().equals(keys().get(i)) || !(sort.getValue() instanceof Number)) {
                    return 0;
                }
                int relative = (((Number) sort.getValue()).intValue() < 0 ? -1 : 1) * directions[i];
                if (direction != 0 && relative != direction) {
                    return 0;
                }
                direction = relative;
                i++;
            }
            return direction;
        }

        /** How well this index serves the query: 0 not at all; more for a longer fixed prefix, a range, an order. */
        synchronized int score(Document query, Document orderBy) {
            List<List<Object>> tuples = fixedTuples(query);
            int prefix = prefixOf(tuples);
            boolean range = prefix < directions.length && rangeOf(query.get(keys().get(prefix))) != null;
            boolean ordered = tuples.size() == 1 && sortDirection(orderBy, prefix) != 0;
            if (prefix == 0 && !range && !ordered) {
                return 0;
            }
            return prefix * 4 + (range ? 2 : 0) + (ordered ? 1 : 0);
        }

        @Override
        public synchronized boolean canHandle(Document query) {
            return score(query, null) > 0;
        }

        @Override
        public synchronized Iterable<P> getPositions(Document query) {
            List<P> positions = new ArrayList<>();
            plan(query, null).positions().forEach(positions::add);
            return positions;
        }

        /** The candidates of a query, lazily in index order (reversed when the sort asks for it). */
        synchronized Plan<P> plan(Document query, Document orderBy) {
            List<List<Object>> tuples = fixedTuples(query);
            int prefix = prefixOf(tuples);
            Document range = prefix < keys().size() ? rangeOf(query.get(keys().get(prefix))) : null;
            int direction = tuples.size() == 1 ? sortDirection(orderBy, prefix) : 0;
            List<java.util.NavigableMap<List<Object>, Set<P>>> slices = new ArrayList<>();
            for (List<Object> fixed : tuples) {
                slices.add(slice(fixed, range));
            }
            return new Plan<>(positionsOf(slices, direction < 0), direction != 0);
        }

        private static Object normalized(Object value) {
            return new KeyValue(List.of(value)).normalized().get(0);
        }

        /** The entries whose leading keys equal `fixed` and whose next key lies in `range` (any, if null). */
        private java.util.NavigableMap<List<Object>, Set<P>> slice(List<Object> fixed, Document range) {
            int next = fixed.size();
            Object low = null;
            Object high = null;
            boolean lowInclusive = true;
            boolean highInclusive = true;
            if (range != null) {
                for (Map.Entry<String, Object> bound : range.entrySet()) {
                    Object value = normalized(bound.getValue());
                    switch (bound.getKey()) {
                        case "$gt", "$gte" -> {
                            low = value;
                            lowInclusive = bound.getKey().equals("$gte");
                        }
                        default -> {
                            high = value;
                            highInclusive = bound.getKey().equals("$lte");
                        }
                    }
                }
            }
            if (range != null && (low == null) != (high == null)) {  // a one-sided range keeps to its bound's type
                if (low == null) {
                    low = lowestOfType(high);
                    lowInclusive = true;
                } else {
                    high = highestOfType(low);
                    highInclusive = true;
                }
            }
            if (next < directions.length && directions[next] < 0) {  // the tree holds this key descending
                Object swap = low;
                low = high;
                high = swap;
                boolean swapInclusive = lowInclusive;
                lowInclusive = highInclusive;
                highInclusive = swapInclusive;
            }
            List<Object> from = bound(fixed, low, lowInclusive, true);
            List<Object> to = bound(fixed, high, highInclusive, false);
            return entries.subMap(from, true, to, true);
        }

        /**
         * The smallest value of the bound's BSON type, or null (MinKey) for another type. MongoDB
         * brackets a comparison by type ({@code $lte: <date>} never matches null or a number), so a
         * one-sided range reads only its type's entries: without this, {@code {replan_at: {$lte: now}}}
         * read every document whose {@code replan_at} is null.
         */
        private static Object lowestOfType(Object bound) {
            if (bound instanceof Number) {
                return Double.NEGATIVE_INFINITY;
            }
            if (bound instanceof java.util.Date) {
                return new java.util.Date(Long.MIN_VALUE);
            }
            if (bound instanceof java.time.Instant) {
                return java.time.Instant.MIN;
            }
            return bound instanceof String ? "" : null;
        }

        /** The largest value of the bound's BSON type, or null (MaxKey) where there is none to name. */
        private static Object highestOfType(Object bound) {
            if (bound instanceof Number) {
                return Double.POSITIVE_INFINITY;
            }
            if (bound instanceof java.util.Date) {
                return new java.util.Date(Long.MAX_VALUE);
            }
            return bound instanceof java.time.Instant ? java.time.Instant.MAX : null;
        }

        /** A key tuple at the edge of a slice: the fixed keys, the range's value (if any), then extremes. */
        private List<Object> bound(List<Object> fixed, Object value, boolean inclusive, boolean lower) {
            List<Object> tuple = new ArrayList<>(fixed);
            int next = fixed.size();
            if (next < directions.length) {
                tuple.add(value == null ? extreme(next, lower) : value);
            }
            boolean towardsLow = value == null ? lower : (lower == inclusive);
            for (int i = tuple.size(); i < directions.length; i++) {
                tuple.add(extreme(i, towardsLow));
            }
            return tuple;
        }

        /** The smallest (or largest) value of key i in the tree's order. */
        private Object extreme(int i, boolean lowest) {
            return (lowest == (directions[i] > 0)) ? MinKey.getInstance() : MaxKey.getInstance();
        }

        /** The positions of the slices' entries, read lazily (a limit stops the read), each once. */
        private Iterable<P> positionsOf(List<java.util.NavigableMap<List<Object>, Set<P>>> slices, boolean reversed) {
            return () -> new java.util.Iterator<P>() {
                private final java.util.Iterator<java.util.NavigableMap<List<Object>, Set<P>>> sliceIterator = slices.iterator();
                private java.util.Iterator<Set<P>> entryIterator = java.util.Collections.emptyIterator();
                private java.util.Iterator<P> positionIterator = java.util.Collections.emptyIterator();
                private final Set<P> seen = new java.util.HashSet<>();
                private P next;

                @Override
                public boolean hasNext() {
                    while (next == null) {
                        if (positionIterator.hasNext()) {
                            P candidate = positionIterator.next();
                            if (seen.add(candidate)) {
                                next = candidate;
                            }
                        } else if (entryIterator.hasNext()) {
                            positionIterator = entryIterator.next().iterator();
                        } else if (sliceIterator.hasNext()) {
                            java.util.NavigableMap<List<Object>, Set<P>> slice = sliceIterator.next();
                            entryIterator = (reversed ? slice.descendingMap() : slice).values().iterator();
                        } else {
                            return false;
                        }
                    }
                    return true;
                }

                @Override
                public P next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    P result = next;
                    next = null;
                    return result;
                }
            };
        }

        private List<List<Object>> tuplesOf(Document document) {
            List<List<Object>> tuples = new ArrayList<>();
            for (KeyValue keyValue : getKeyValues(document)) {
                List<Object> tuple = new ArrayList<>(keyValue.size());
                keyValue.forEach(value -> tuple.add(value instanceof Missing ? null : value));
                tuples.add(tuple);
            }
            return tuples;
        }

        private static Object idOf(Document document) {
            return normalized(document.get("_id"));
        }

        @Override
        public P getPosition(Document document) {
            return null;
        }

        @Override
        public void checkAdd(Document document, MongoCollection<P> collection) {
        }

        @Override
        public synchronized void add(Document document, P position, MongoCollection<P> collection) {
            Object id = idOf(document);
            List<List<Object>> tuples = tuplesOf(document);
            positionById.put(id, position);
            tuplesById.put(id, tuples);
            for (List<Object> tuple : tuples) {
                entries.computeIfAbsent(tuple, k -> new LinkedHashSet<>()).add(position);
            }
        }

        @Override
        public synchronized P remove(Document document) {
            Object id = idOf(document);
            P position = positionById.remove(id);
            List<List<Object>> tuples = tuplesById.remove(id);
            if (position != null && tuples != null) {
                for (List<Object> tuple : tuples) {
                    Set<P> positions = entries.get(tuple);
                    if (positions != null) {
                        positions.remove(position);
                        if (positions.isEmpty()) {
                            entries.remove(tuple);
                        }
                    }
                }
            }
            return position;
        }

        @Override
        public synchronized long getCount() {
            return positionById.size();
        }

        @Override
        public long getDataSize() {
            return getCount();
        }

        @Override
        public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) {
        }

        @Override
        public synchronized void updateInPlace(Document oldDocument, Document newDocument, P position, MongoCollection<P> collection) {
            if (!nullAwareEqualsKeys(oldDocument, newDocument)) {
                remove(oldDocument);
                add(newDocument, position, collection);
            }
        }

        @Override
        public synchronized void drop() {
            entries.clear();
            positionById.clear();
            tuplesById.clear();
        }
    }
}
