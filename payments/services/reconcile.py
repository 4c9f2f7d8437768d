"""Compare the ledger's Stripe payouts with the transfers Stripe holds; report every mismatch."""

from collections import defaultdict

from django.db.models import Sum

from payments.gateways import gateway_for
from payments.models import LedgerTransaction, Payout, Posting


def reconcile_stripe(*, program=None) -> list[str]:
    transfers = gateway_for("stripe").transfers()
    by_group = defaultdict(list)
    for transfer in transfers:
        by_group[transfer.transfer_group].append(transfer)
    payouts = Payout.objects.filter(rail="stripe").select_related("tester")
    if program is not None:
        payouts = payouts.filter(batch__period__program=program)
    settled = dict(
        Posting.objects.filter(
            transaction__kind=LedgerTransaction.Kind.PAYOUT_SETTLE,
            source_type="payments.payout",
            amount_minor__gt=0,
        )
        .values_list("source_id")
        .annotate(total=Sum("amount_minor"))
    )
    problems = []
    seen_groups = set()
    for payout in payouts:
        group = payout.transfer_group
        seen_groups.add(group)
        found = by_group.get(group, [])
        name = f"payout #{payout.pk} ({payout.tester.display_name})"
        if len(found) > 1:
            problems.append(f"{name}: {len(found)} transfers at Stripe for one payout (paid twice)")
        live = [t for t in found if not t.reversed]
        if payout.status == Payout.Status.PAID:
            if not found:
                problems.append(f"{name}: paid in the ledger but Stripe has no transfer")
            elif not live:
                problems.append(f"{name}: paid in the ledger but Stripe reversed the transfer")
            if settled.get(str(payout.pk), 0) != payout.amount_minor:
                problems.append(
                    f"{name}: status paid but the ledger settled {settled.get(str(payout.pk), 0)}"
                )
        elif (
            payout.status
            in (
                Payout.Status.SENDING,
                Payout.Status.FAILED,
                Payout.Status.PENDING,
                Payout.Status.HELD,
            )
            and live
        ):
            problems.append(
                f"{name}: Stripe has transfer {live[0].id} but the payout is {payout.status}"
            )
        for transfer in live:
            if (transfer.amount_minor, transfer.currency) != (payout.amount_minor, payout.currency):
                problems.append(
                    f"{name}: Stripe transfer {transfer.id} is {transfer.amount_minor} {transfer.currency}, "
                    f"ledger says {payout.amount_minor} {payout.currency}"
                )
            if payout.provider_ref and transfer.id != payout.provider_ref and len(found) == 1:
                problems.append(
                    f"{name}: ledger references {payout.provider_ref}, Stripe has {transfer.id}"
                )
    for group, found in by_group.items():
        if group not in seen_groups and (program is None or group.startswith("payout_")):
            for transfer in found:
                problems.append(
                    f"Stripe transfer {transfer.id} ({group or 'no group'}) has no payout in the ledger"
                )
    return problems
