// Synchronization tasks: a long-lived task bound to a whole source bucket that copies the
// objects named by sync events to OBS. Not in the API reference; the shapes follow the
// official SDK's models (`huaweicloudsdkoms.v2`), see `shared/design/sync-tasks.md`. Their
// fields, keys and initialisers are the table `Wire/SyncTask.json`; here is only what a
// table does not say.

/// `POST .../sync-tasks/{id}/start`: the keys again, in the task's start body (a sync task
/// takes the access keys and the CDN key only).
public typealias StartSyncTaskReq = StartTaskReq

extension SyncObjectReq {
    public static let maximumKeys = 10
}
