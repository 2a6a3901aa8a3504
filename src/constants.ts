/** The `web_push` marker of a declarative push message (Push API, "declarative push message parser" step 3). */
export const WEB_PUSH_MAGIC = 8030;

/** The magic number of the 2024 draft (w3c/push-api PR #385 before review); seen in old payloads. */
export const WEB_PUSH_MAGIC_2024_DRAFT = 9001;

/**
 * The largest plaintext that fits one aes128gcm push record of 4096 bytes (RFC 8291/8188):
 * 4096 - 86 bytes of header (salt, record size, key) - 16 bytes of AEAD tag - 1 padding delimiter
 * (spec-notes.md#payload-size).
 */
export const MAX_PLAINTEXT_BYTES = 3993;

/**
 * How deep JSON may nest before we call it not declarative. The standards set no limit; browsers
 * have stack limits, and structured cloning of `data` overflows long before JSON.parse does
 * (spec-notes.md#resource-limits).
 */
export const MAX_NESTING_DEPTH = 128;

/** The media type of the 2023 explainer's disposition, still sent by our server (spec-notes.md#content-type). */
export const NOTIFICATION_JSON_MEDIA_TYPE = 'application/notification+json';

/** WebKit reads numbers with `static_cast<int>` (WTF JSONValues.cpp), so a portable app badge stays at most 2^31 - 1. */
export const SAFARI_INT_MAX = 2147483647;

/** Chromium shows at most this many actions (`Notification.maxActions`). */
export const CHROMIUM_MAX_ACTIONS = 2;
