// The task group bodies' fields, keys and initialisers are the table `Wire/TaskGroup.json`;
// here is only what a table does not say.

extension TaskGroupResp {
    public var migrateSinceSeconds: Int64? { migrateSince.map(MigrateSince.seconds(fromResponseValue:)) }
}

/// A group reports its source and destination with exactly the fields (and keys) a task
/// does: one type each, so a field OMS adds is added once.
public typealias TaskGroupSrcNodeResp = SrcNodeResp
public typealias TaskGroupDstNodeResp = DstNodeResp

/// Bodies of `PUT .../taskgroups/{group_id}/start` (resume) and `.../retry`: the keys again,
/// in the task's start body (a group takes no security tokens; a start leaves
/// `migrate_failed_object` out).
public typealias StartTaskGroupReq = StartTaskReq
public typealias RetryTaskGroupReq = StartTaskReq
