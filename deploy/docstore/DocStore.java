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
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The embedded document store for development and CI: mongo-java-server (a MongoDB
 * wire-protocol server on the JVM) with what the platform relies on and the library lacks.
 *
 * <ul>
 *   <li>Secondary (non-unique) indexes are real: a query with equality on a leading part
 *       of an index's keys reads only the matching documents, as on MongoDB (prefix rule).
 *       The library accepts such indexes but ignores them, so without this every compound
 *       filter scans its collection.</li>
 *   <li>An {@code aggregate} whose pipeline opens with {@code $match} reads its documents
 *       through the same index choice instead of the whole collection.</li>
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

    // --- index choice, shared by both backends -----------------------------------------

    /** The pipeline's opening {@code $match} of the aggregate being run on this thread, by namespace. */
    private static final ThreadLocal<Map.Entry<String, Document>> AGGREGATE_MATCH = new ThreadLocal<>();

    /** Positions to read for a query: a unique index that serves it, else the secondary with the longest prefix. */
    static <P> Iterable<P> positionsFor(List<Index<P>> indexes, Document query) {
        SecondaryIndex<P> best = null;
        int bestPrefix = 0;
        for (Index<P> index : indexes) {
            if (index instanceof SecondaryIndex) {
                SecondaryIndex<P> secondary = (SecondaryIndex<P>) index;
                int prefix = secondary.servedPrefix(query);
                if (prefix > bestPrefix) {
                    best = secondary;
                    bestPrefix = prefix;
                }
            } else if (index.canHandle(query)) {
                return index.getPositions(query);
            } else {
                Document exact = equalitiesOn(index, query);
                if (exact != null && index.canHandle(exact)) {
                    return index.getPositions(exact);
                }
            }
        }
        return best == null ? null : best.getPositions(query);
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

    static Document handleWrite(String databaseName, String command, Document query, java.util.function.Supplier<Document> run) {
        if (command.equalsIgnoreCase("createIndexes")) {
            TtlMonitor.register(databaseName, query);
        }
        return run.get();
    }

    // --- memory backend (tests) ----------------------------------------------------------

    static final class IndexedMemoryBackend extends MemoryBackend {
        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new IndexedMemoryDatabase(databaseName, getCursorRegistry());
        }

        @Override
        public Document handleCommand(io.netty.channel.Channel channel, String databaseName, String command, Document query) {
            if (command.equalsIgnoreCase("aggregate")) {
                return handleAggregate(databaseName, query, () -> super.handleCommand(channel, databaseName, command, query));
            }
            return handleWrite(databaseName, command, query, () -> super.handleCommand(channel, databaseName, command, query));
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

    static final class IndexedMemoryCollection extends MemoryCollection {
        IndexedMemoryCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors) {
            super(database, name, options, cursors);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
            Iterable<Integer> positions = positionsFor(getIndexes(), query);
            return positions == null
                ? matchDocuments(query, orderBy, skip, limit, batchSize, fields)
                : matchDocuments(query, positions, orderBy, skip, limit, batchSize, fields);
        }

        @Override
        public Stream<Document> queryAllAsStream() {
            Document match = aggregateMatchFor(getFullName());
            return match == null ? super.queryAllAsStream() : StreamSupport.stream(handleQuery(match).spliterator(), false);
        }
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
            Document reply = command.equalsIgnoreCase("aggregate")
                ? handleAggregate(databaseName, query, () -> super.handleCommand(channel, databaseName, command, query))
                : handleWrite(databaseName, command, query, () -> super.handleCommand(channel, databaseName, command, query));
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

    static final class IndexedH2Collection extends H2Collection {
        IndexedH2Collection(MongoDatabase database, String name, CollectionOptions options,
                            MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursors) {
            super(database, name, options, dataMap, metaMap, cursors);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
            Iterable<Object> positions = positionsFor(getIndexes(), query);
            return positions == null
                ? matchDocuments(query, orderBy, skip, limit, batchSize, fields)
                : matchDocuments(query, positions, orderBy, skip, limit, batchSize, fields);
        }

        @Override
        public Stream<Document> queryAllAsStream() {
            Document match = aggregateMatchFor(getFullName());
            return match == null ? super.queryAllAsStream() : StreamSupport.stream(handleQuery(match).spliterator(), false);
        }
    }

    // --- the secondary index ---------------------------------------------------------------

    /**
     * A non-unique index kept in memory (rebuilt from the documents when the store opens):
     * for each leading part of its keys, the positions of the documents with each value.
     * It narrows a query to candidates; the collection still matches, sorts and limits them.
     */
    static final class SecondaryIndex<P> extends Index<P> {
        private final List<Map<KeyValue, Set<P>>> byPrefix = new ArrayList<>();
        private final Map<Object, P> positionById = new HashMap<>();
        private final Map<Object, Set<KeyValue>> keyValuesById = new HashMap<>();

        SecondaryIndex(String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            for (int i = 0; i < keys.size(); i++) {
                byPrefix.add(new HashMap<>());
            }
        }

        /** How many leading keys the query fixes by equality (0: this index cannot serve it). */
        synchronized int servedPrefix(Document query) {
            int prefix = 0;
            for (String key : keys()) {
                Object value = query.get(key);
                if (!isPlainValue(value)) {
                    if (prefix == 0 && isInList(value)) {
                        return 1;
                    }
                    break;
                }
                prefix++;
            }
            return prefix;
        }

        static boolean isPlainValue(Object value) {
            return value != null && !(value instanceof Document) && !(value instanceof Collection)
                && !(value instanceof Missing) && !(value instanceof BsonRegularExpression)
                && !(value instanceof java.util.regex.Pattern);
        }

        private static boolean isInList(Object value) {
            if (!(value instanceof Document) || ((Document) value).size() != 1) {
                return false;
            }
            Object in = ((Document) value).get("$in");
            return in instanceof Collection && ((Collection<?>) in).stream().allMatch(SecondaryIndex::isPlainValue);
        }

        @Override
        public synchronized boolean canHandle(Document query) {
            return servedPrefix(query) > 0;
        }

        @Override
        public synchronized Iterable<P> getPositions(Document query) {
            int prefix = servedPrefix(query);
            List<String> keys = keys();
            Object first = query.get(keys.get(0));
            Set<P> positions = new LinkedHashSet<>();
            if (!isPlainValue(first)) {
                for (Object value : (Collection<?>) ((Document) first).get("$in")) {
                    positions.addAll(byPrefix.get(0).getOrDefault(normalized(List.of(value)), Set.of()));
                }
                return positions;
            }
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < prefix; i++) {
                values.add(query.get(keys.get(i)));
            }
            positions.addAll(byPrefix.get(prefix - 1).getOrDefault(normalized(values), Set.of()));
            return positions;
        }

        private static KeyValue normalized(List<Object> values) {
            return new KeyValue(values).normalized();
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
            Object id = new KeyValue(document.get("_id")).normalized().get(0);
            Set<KeyValue> keyValues = getKeyValues(document);
            positionById.put(id, position);
            keyValuesById.put(id, keyValues);
            for (KeyValue keyValue : keyValues) {
                for (int length = 1; length <= keyValue.size(); length++) {
                    byPrefix.get(length - 1).computeIfAbsent(prefixOf(keyValue, length), k -> new LinkedHashSet<>()).add(position);
                }
            }
        }

        @Override
        public synchronized P remove(Document document) {
            Object id = new KeyValue(document.get("_id")).normalized().get(0);
            P position = positionById.remove(id);
            Set<KeyValue> keyValues = keyValuesById.remove(id);
            if (position != null && keyValues != null) {
                for (KeyValue keyValue : keyValues) {
                    for (int length = 1; length <= keyValue.size(); length++) {
                        Map<KeyValue, Set<P>> map = byPrefix.get(length - 1);
                        KeyValue prefix = prefixOf(keyValue, length);
                        Set<P> positions = map.get(prefix);
                        if (positions != null) {
                            positions.remove(position);
                            if (positions.isEmpty()) {
                                map.remove(prefix);
                            }
                        }
                    }
                }
            }
            return position;
        }

        private static KeyValue prefixOf(KeyValue keyValue, int length) {
            List<Object> values = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                values.add(keyValue.get(i));
            }
            return new KeyValue(values);
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
            byPrefix.forEach(Map::clear);
            positionById.clear();
            keyValuesById.clear();
        }
    }
}
