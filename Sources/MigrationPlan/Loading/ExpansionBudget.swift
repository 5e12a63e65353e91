/// How many YAML values `MigrationTaskSet` expansion may build in one plan load (issue 21,
/// item 7): every item copies the template, so 10,000 items of an 88 KB plan times a template
/// of 5,000 values built 50 million values (12 s, 3 GB) before anything was checked. Stack
/// defaults, merged under every task, count toward it too.
///
/// Counted in values, not bytes: aliases make a template large in values while small in
/// text. Alongside the alias budget (`AliasBudget`, 200,000 values the reader may add), it
/// bounds what a load builds: the text's own values, plus what aliases add, plus what
/// expansion adds. A set is measured before anything is built, so an over-large one costs a
/// walk of its template and items, not its expansion.
///
/// Real plans stay far below the limit: 2,000 items times a template of 30 values is 60,000;
/// 10,000 tasks of the quickstart's shape about 200,000.
final class ExpansionBudget {
    static let limit = 2_000_000
    private(set) var spent = 0

    var remaining: Int { Self.limit - spent }

    /// Takes `cost` values if they fit; otherwise takes nothing.
    func spend(_ cost: Int) -> Bool {
        guard cost <= remaining else { return false }
        spent += cost
        return true
    }
}

/// What expanding one task set costs, measured on its template and items.
struct ExpansionCost {
    /// Values of the template (aliased values counted as often as they are used), counted no
    /// further than the budget's limit.
    var templateValues = 0
    /// Template scalars that refer to the item: each may copy a whole item value.
    var itemReferences = 0
    /// Values all tasks of the set build (saturating: never overflows).
    var total = 0
    var items = 0

    /// Each item costs the template plus, per item reference, the item's values (a reference
    /// that is exactly `${item.KEY}` takes the item's value node, whatever its size). The
    /// items are in the text or paid for by the alias budget, so measuring them is bounded.
    init(template: PNode, items: [PNode]) {
        let cap = ExpansionBudget.limit
        Self.measure(template, cap: cap, values: &templateValues, references: &itemReferences)
        self.items = items.count
        for item in items {
            var itemValues = 0, ignored = 0
            if itemReferences > 0 { Self.measure(item, cap: cap, values: &itemValues, references: &ignored) }
            total = min(total + templateValues + min(itemReferences, cap) * itemValues, Int.max / 4)
        }
    }

    /// Counts values (scalars, mappings and lists; keys are part of their mapping) until past `cap`.
    static func measure(_ node: PNode, cap: Int, values: inout Int, references: inout Int) {
        values += 1
        guard values <= cap else { return }
        switch node.value {
        case .scalar(let s):
            if s.type == .string, s.text.contains("${item") { references += 1 }
        case .mapping(let pairs):
            for p in pairs where values <= cap { measure(p.value, cap: cap, values: &values, references: &references) }
        case .sequence(let items):
            for i in items where values <= cap { measure(i, cap: cap, values: &values, references: &references) }
        }
    }

    /// The error at `forEach` when a set does not fit the budget's `remaining` values: its
    /// size, the limit, and how to split it.
    func problem(remaining: Int) -> (message: String, hint: String) {
        let limit = ExpansionBudget.limit
        let template = templateValues > limit ? "more than \(limit.grouped)" : templateValues.grouped
        var message = "this task set expands to \(total.grouped) YAML values (\(items.grouped) items x a template of \(template) values"
        message += itemReferences > 0 ? " and the item values it copies)" : ")"
        message += remaining < limit
            ? ", more than the \(remaining.grouped) left of the \(limit.grouped) one plan load may expand to"
            : ", more than the \(limit.grouped) one plan load may expand to"
        let perItem = max(1, total / max(1, items))
        let fit = min(remaining, limit) / perItem
        let hint = fit >= 1
            ? "the limit is for all task sets of a plan together: keep at most \(fit.grouped) items in this set and move the "
                + "rest to a set in another plan (a stack of its own), or make the template smaller (aliases count as the values they repeat)"
            : "make the template smaller: one task of it is \(perItem.grouped) values (aliases count as the values they repeat)"
        return (message, hint)
    }
}

extension Expansion {
    /// `Stack.spec.defaults` is merged under every task, so its values count once per task
    /// (a defaults list of 20,000 prefixes under 10,000 tasks was 200 million values to check).
    /// Reports at the defaults and returns false when they do not fit.
    func spendDefaults(_ defaults: PNode, tasks: Int) -> Bool {
        var values = 0, ignored = 0
        ExpansionCost.measure(defaults, cap: ExpansionBudget.limit, values: &values, references: &ignored)
        let total = tasks == 0 ? 0 : min(values, Int.max / 4 / tasks) * tasks
        if budget.spend(total) { return true }
        let left = budget.remaining < ExpansionBudget.limit ? " (\(budget.remaining.grouped) left after the task sets)" : ""
        ctx.error("`spec.defaults` (\(values > ExpansionBudget.limit ? "more than \(ExpansionBudget.limit.grouped)" : values.grouped) "
                  + "YAML values) merged under \(tasks.grouped) tasks makes \(total.grouped) values, more than the "
                  + "\(ExpansionBudget.limit.grouped) one plan load may expand to\(left)",
                  at: defaults.loc,
                  hint: "keep defaults to shared settings; a long list (prefixes, objects) belongs in the tasks that need it")
        return false
    }
}

extension Int {
    /// `2,000,000`: limits and counts in messages, readable at a glance.
    fileprivate var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return self < 0 ? "-" + out : out
    }
}
