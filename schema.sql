-- LisaKit dataset store, SQLite.
--
-- This file is the single source of truth for the store's schema: the DatasetStore target embeds
-- it (Sources/DatasetStore/Resources/schema.sql is a link to this file) and applies it as
-- migration "v1"; a test checks that a store created by the library has exactly this schema.
--
-- Connections run with PRAGMA foreign_keys = ON and journal_mode = WAL (set by the library, not
-- here: pragmas are per connection). Timestamps are UTC ISO-8601 text with milliseconds.
-- No table is WITHOUT ROWID: SQLite 3.40's integrity_check misreports NOT NULL columns of such
-- tables that have a secondary index as NULL.

-- A folder on disk that images are stored relative to (a dataset root). Image paths never leave
-- their root: the importer resolves and checks every path before it is recorded.
CREATE TABLE dataset_roots (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE CHECK (substr(path, 1, 1) = '/'),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per distinct image content (sha256 of the file bytes).
-- storage = 'root': the file is root_id/rel_path; storage = 'blob': the file lives in the
-- content-addressed folder beside the database, at blobs/<sha256[0..2]>/<sha256>.
CREATE TABLE images (
    id              INTEGER PRIMARY KEY,
    sha256          TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    storage         TEXT NOT NULL CHECK (storage IN ('root', 'blob')),
    root_id         INTEGER REFERENCES dataset_roots(id) ON DELETE RESTRICT,
    rel_path        TEXT,
    width           INTEGER NOT NULL CHECK (width > 0),
    height          INTEGER NOT NULL CHECK (height > 0),
    format          TEXT NOT NULL CHECK (format IN ('png', 'jpeg')),
    byte_size       INTEGER NOT NULL CHECK (byte_size > 0),
    source_dataset  TEXT,
    source_id       TEXT,
    -- Images sharing a group key (ScanNet scene, OpenImages image, video) never go to two splits.
    group_key       TEXT,
    split           TEXT CHECK (split IN ('train', 'val', 'test')),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((storage = 'root' AND root_id IS NOT NULL AND rel_path IS NOT NULL AND rel_path <> ''
            AND substr(rel_path, 1, 1) <> '/')
        OR (storage = 'blob' AND root_id IS NULL AND rel_path IS NULL)),
    CHECK ((source_dataset IS NULL) = (source_id IS NULL))
);
CREATE UNIQUE INDEX images_by_location ON images(root_id, rel_path) WHERE storage = 'root';
CREATE INDEX images_by_group ON images(group_key);
CREATE INDEX images_by_split ON images(split);

-- Every (dataset, id) an image is known by: an image imported from two sources keeps both, and
-- importers find already-imported records here (idempotent re-runs).
CREATE TABLE image_sources (
    image_id    INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    dataset     TEXT NOT NULL CHECK (dataset <> ''),
    source_id   TEXT NOT NULL CHECK (source_id <> ''),
    PRIMARY KEY (dataset, source_id)
);
CREATE INDEX image_sources_by_image ON image_sources(image_id);

CREATE TABLE categories (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (name <> ''),
    display_name  TEXT NOT NULL CHECK (display_name <> '')
);

-- The ids a category has in its source datasets (an OpenImages MID, a COCO category id, a
-- ScanNet label id, an ADE20K index).
CREATE TABLE category_sources (
    category_id  INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    dataset      TEXT NOT NULL CHECK (dataset <> ''),
    source_id    TEXT NOT NULL CHECK (source_id <> ''),
    PRIMARY KEY (dataset, source_id)
);
CREATE INDEX category_sources_by_category ON category_sources(category_id);

-- A mask on an image. geometry_kind = 'polygons': geometry is a JSON list of polygons
-- [{"exterior": [x0, y0, x1, y1, ...], "holes": [[x0, y0, ...], ...]}, ...] in pixel
-- coordinates; geometry_kind = 'rle': geometry is COCO RLE JSON {"size": [h, w], "counts": ...}.
-- area and bbox are derived from the geometry by the writer (pixel area, [x, y, w, h]).
CREATE TABLE annotations (
    id              INTEGER PRIMARY KEY,
    image_id        INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    category_id     INTEGER REFERENCES categories(id) ON DELETE RESTRICT,
    -- Stable key of this instance within its image (source instance id, BoxID, ...): the
    -- same source annotation imported twice is one row.
    instance_key    TEXT NOT NULL CHECK (instance_key <> ''),
    geometry_kind   TEXT NOT NULL CHECK (geometry_kind IN ('polygons', 'rle')),
    geometry        TEXT NOT NULL CHECK (json_valid(geometry)),
    area            REAL NOT NULL CHECK (area >= 0),
    bbox_x          REAL NOT NULL,
    bbox_y          REAL NOT NULL,
    bbox_w          REAL NOT NULL CHECK (bbox_w >= 0),
    bbox_h          REAL NOT NULL CHECK (bbox_h >= 0),
    is_ignore       INTEGER NOT NULL DEFAULT 0 CHECK (is_ignore IN (0, 1)),
    provenance      TEXT NOT NULL CHECK (provenance IN ('imported', 'human', 'model')),
    model_name      TEXT,
    model_version   TEXT,
    score           REAL,
    review_state    TEXT NOT NULL DEFAULT 'pending'
                    CHECK (review_state IN ('pending', 'accepted', 'rejected', 'corrected')),
    -- Optimistic concurrency: every update sets version = version + 1 WHERE version = expected.
    version         INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- Source-specific fields kept with the annotation (OpenImages BoxID, PredictedIoU, Clicks...).
    attributes      TEXT CHECK (attributes IS NULL OR json_valid(attributes)),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (image_id, instance_key),
    CHECK ((provenance = 'model') = (model_name IS NOT NULL)),
    CHECK (model_version IS NULL OR model_name IS NOT NULL)
);
CREATE INDEX annotations_by_category ON annotations(category_id);
CREATE INDEX annotations_by_review ON annotations(review_state);

-- A natural-language instruction whose answer is zero or more masks of its image.
CREATE TABLE instructions (
    id              INTEGER PRIMARY KEY,
    image_id        INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    -- Stable key, unique per image, that makes storing the same instruction twice a no-op.
    key             TEXT NOT NULL CHECK (key <> ''),
    text            TEXT NOT NULL CHECK (length(trim(text)) > 0),
    kind            TEXT NOT NULL CHECK (kind IN ('semantic', 'referring', 'reasoning', 'explanatory')),
    is_sentence     INTEGER NOT NULL CHECK (is_sentence IN (0, 1)),
    answer          TEXT,
    explanation     TEXT,
    origin          TEXT NOT NULL
                    CHECK (origin IN ('imported', 'template', 'paraphrase', 'generated', 'human')),
    template_id     TEXT,
    backend         TEXT,
    model           TEXT,
    -- paraphrase: the instruction rewritten; template: the query that was templated (if any).
    parent_id       INTEGER REFERENCES instructions(id) ON DELETE CASCADE,
    quality_score   REAL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (image_id, key),
    CHECK ((origin = 'template') = (template_id IS NOT NULL)),
    CHECK (origin <> 'paraphrase' OR (parent_id IS NOT NULL AND backend IS NOT NULL)),
    CHECK (origin <> 'generated' OR backend IS NOT NULL)
);
CREATE INDEX instructions_by_parent ON instructions(parent_id);
CREATE INDEX instructions_by_kind ON instructions(kind);

-- Instruction -> the masks that answer it (none: a negative example).
CREATE TABLE instruction_targets (
    instruction_id  INTEGER NOT NULL REFERENCES instructions(id) ON DELETE CASCADE,
    annotation_id   INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    PRIMARY KEY (instruction_id, annotation_id)
);
CREATE INDEX instruction_targets_by_annotation ON instruction_targets(annotation_id);

-- Every change a review makes: who, when, and the row before and after (JSON).
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor        TEXT NOT NULL CHECK (actor <> ''),
    entity       TEXT NOT NULL CHECK (entity IN ('annotation', 'instruction')),
    entity_id    INTEGER NOT NULL,
    action       TEXT NOT NULL CHECK (action <> ''),
    before_json  TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
    after_json   TEXT CHECK (after_json IS NULL OR json_valid(after_json))
);
CREATE INDEX audit_log_by_entity ON audit_log(entity, entity_id);

-- Answers of model backends (paraphrase, query writing), keyed by a hash of (backend, model,
-- prompt, input): a re-run of the same job asks the model nothing.
CREATE TABLE response_cache (
    key          TEXT PRIMARY KEY CHECK (length(key) = 64),
    backend      TEXT NOT NULL,
    model        TEXT NOT NULL,
    response     TEXT NOT NULL,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
