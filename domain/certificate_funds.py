"""The money side of a certificate: guards that plan transfers, and the state they post to.

`CertificateFunds` is mixed into the `Certificate` aggregate. Its `plan_*` methods check a
command against the accounts and return the transfers it would make (raising a specific error
otherwise); the aggregate's `@event` bodies then only post them. Planning never changes state.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from uuid import UUID

from domain.certificate_values import (
    ChargeKind,
    ChargeNotFound,
    ContractAlreadyFunded,
    ContractFunds,
    ContractNotFunded,
    MonthAlreadyCharged,
    MonthAlreadySettled,
    MonthAmount,
    MonthOutsideContract,
    NoFreeBalance,
    UnitMismatch,
    YearNotFunded,
    leg,
)
from domain.funding_accounts import Account, AccountKind, Accounts, Transfer, TransferKind
from domain.money import Kopecks, Unit, require_amount, require_month, share_of


def _year(year: int) -> str:
    return str(year)


@cache
def _month_text(month: date) -> str:
    """`2026-09`: a transfer's reference names its month (strftime is slow per charge)."""
    return f"{month:%Y-%m}"


class CertificateFunds:
    """Accounts of one certificate and the contracts it funds."""

    number: str
    units: dict[int, Unit]
    expired_years: set[int]
    contracts: dict[UUID, ContractFunds]

    def _init_funds(self) -> None:
        self.accounts = Accounts()

    # Balances.

    def balance(self, account: Account) -> Kopecks:
        return self.accounts.balance(account)

    def total(self, kind: AccountKind) -> Kopecks:
        return self.accounts.total(kind)

    def free(self, year: int) -> Kopecks:
        return self.accounts.balance(Account(AccountKind.FREE, _year(year)))

    def reserve(self, contract_id: UUID) -> Kopecks:
        return self.accounts.balance(Account(AccountKind.RESERVE, str(contract_id)))

    def check(self, *transfers: Transfer) -> None:
        self.accounts.check(*transfers)

    def post(self, *transfers: Transfer) -> None:
        self.accounts.post(*transfers)

    # Planning: guards first, then the transfers a command would make.

    def _back_to_free(self, year: int, contract_id: UUID, amount: Kopecks, operation_id: UUID,
                      kind: TransferKind, reference: str) -> list[Transfer]:
        """Money returning to a year's free balance; if the year already expired, on to expired:
        unused money never carries over."""
        if amount == 0:
            return []
        debit_kind = AccountKind.RESERVE if kind is TransferKind.RELEASE else AccountKind.SPENT
        back = Transfer(leg(operation_id, kind.value), kind,
                        Account(debit_kind, str(contract_id)),
                        Account(AccountKind.FREE, _year(year)), amount, reference)
        if year not in self.expired_years:
            return [back]
        gone = Transfer(leg(operation_id, f"{kind.value}/expiry"), TransferKind.EXPIRY,
                        Account(AccountKind.FREE, _year(year)),
                        Account(AccountKind.EXPIRED, _year(year)), amount, reference)
        return [back, gone]

    def plan_reserve(self, *, contract_id: UUID, months: tuple[date, ...], unit: Unit,
                     certificate_share: Kopecks, price_per_month: Kopecks,
                     operation_id: UUID) -> tuple[tuple[MonthAmount, ...], list[Transfer]]:
        """Reserve min(price, normative price, free balance) month by month; parents pay the
        rest (recorded as a co-payment)."""
        require_amount(certificate_share, "certificate share", positive=True)
        require_amount(price_per_month, "price per month", positive=True)
        if contract_id in self.contracts:
            raise ContractAlreadyFunded(f"contract {contract_id} already has a reserve")
        year = months[0].year
        if year not in self.units or year in self.expired_years:
            raise YearNotFunded(f"certificate {self.number} has no open nominal for {year}")
        if self.units[year] is not unit:
            raise UnitMismatch(f"the {year} nominal is in {self.units[year].value}, "
                               f"the programme is priced in {unit.value}")
        left = self.free(year)
        schedule: list[MonthAmount] = []
        for month in months:
            amount = min(certificate_share, left)
            schedule.append(MonthAmount(month, amount))
            left -= amount
        reserved = sum(m.amount for m in schedule)
        if reserved == 0:
            raise NoFreeBalance(f"certificate {self.number} has no free balance for {year}")
        key = str(contract_id)
        transfers = [Transfer(leg(operation_id, "reserve"), TransferKind.RESERVE,
                              Account(AccountKind.FREE, _year(year)),
                              Account(AccountKind.RESERVE, key), reserved, "contract reserve")]
        copayment = price_per_month * len(months) - reserved
        if copayment > 0:
            transfers.append(Transfer(leg(operation_id, "copayment"), TransferKind.COPAYMENT,
                                      Account(AccountKind.PARENTS, key),
                                      Account(AccountKind.COPAYMENT, key), copayment,
                                      "parents' share"))
        self.check(*transfers)
        return tuple(schedule), transfers

    def plan_release(self, *, contract_id: UUID, last_month: date | None,
                     operation_id: UUID) -> list[Transfer]:
        """Release the reserve of every month after `last_month` (all of it when None)."""
        funds = self._funds(contract_id)
        dropped = [m for m in funds.schedule if last_month is None or m > last_month]
        charged = [m for m in dropped if funds.charged_in(m)]
        if charged:
            raise MonthAlreadyCharged(f"contract {contract_id} is already charged for "
                                      f"{charged[0]:%Y-%m}; it cannot end before that")
        amount = sum(funds.schedule[m] for m in dropped)
        transfers = self._back_to_free(funds.year, contract_id, amount, operation_id,
                                       TransferKind.RELEASE, "reserve released")
        self.check(*transfers)
        return transfers

    def plan_charge(self, *, contract_id: UUID, month: date, kind: ChargeKind, share_bp: int,
                    operation_id: UUID) -> tuple[Kopecks, Kopecks, Transfer | None]:
        """An advance (share of the month) or a final charge (delivered share of the month,
        less the advance). Returns the amount claimed for the month, what it adds to the claim,
        and the charge transfer (none when there is nothing to charge)."""
        funds = self._funds(contract_id)
        require_month(month)
        if month not in funds.schedule:
            raise MonthOutsideContract(f"{month:%Y-%m} is outside contract {contract_id}")
        if (month in funds.advances and kind is ChargeKind.ADVANCE) or month in funds.finals:
            raise MonthAlreadyCharged(f"contract {contract_id} is already charged "
                                      f"({kind.value}) for {month:%Y-%m}")
        claimed = share_of(funds.schedule[month], share_bp)
        advance = funds.advances.get(month, (None, 0))[1]
        net = claimed if kind is ChargeKind.ADVANCE else claimed - advance
        if net <= 0:
            return claimed, net, None
        key = str(contract_id)
        transfer = Transfer(leg(operation_id, "charge"), TransferKind.CHARGE,
                            Account(AccountKind.RESERVE, key), Account(AccountKind.SPENT, key),
                            net, f"{_month_text(month)} {kind.value}")
        self.check(transfer)
        return claimed, net, transfer

    def plan_settlement(self, *, contract_id: UUID, month: date, claim_id: UUID,
                        operation_id: UUID) -> list[Transfer]:
        """An approved final invoice settles the month: what was not delivered returns to the
        free balance, and an advance above the delivered amount is recovered."""
        funds = self._funds(contract_id)
        if funds.finals.get(month, (None,))[0] != claim_id:
            raise ChargeNotFound(f"claim {claim_id} has no final charge of contract "
                                 f"{contract_id} for {month:%Y-%m}")
        if month in funds.settled:
            raise MonthAlreadySettled(f"{month:%Y-%m} of contract {contract_id} is settled")
        actual = funds.finals[month][1]
        advance = funds.advances.get(month, (None, 0))[1]
        shortfall = funds.schedule[month] - max(actual, advance)
        transfers = self._back_to_free(funds.year, contract_id, shortfall, operation_id,
                                       TransferKind.RELEASE, f"{month:%Y-%m} not delivered")
        transfers += self._back_to_free(funds.year, contract_id, max(0, advance - actual),
                                        operation_id, TransferKind.RECOVERY,
                                        f"{month:%Y-%m} advance above delivered")
        self.check(*transfers)
        return transfers

    def plan_reversal(self, *, contract_id: UUID, month: date, kind: ChargeKind,
                      claim_id: UUID, operation_id: UUID) -> Transfer | None:
        """A rejected claim gives its charge back to the reserve; the month may be claimed again."""
        funds = self._funds(contract_id)
        if kind is ChargeKind.ADVANCE:
            charged_by, amount = funds.advances.get(month, (None, 0))
        else:
            charged_by, _, amount = funds.finals.get(month, (None, 0, 0))
        if charged_by != claim_id:
            raise ChargeNotFound(f"claim {claim_id} has no {kind.value} charge of contract "
                                 f"{contract_id} for {month:%Y-%m}")
        if kind is ChargeKind.ADVANCE and month in funds.finals:
            raise MonthAlreadyCharged(f"{month:%Y-%m} of contract {contract_id} already has a "
                                      "final invoice; reject that first")
        if month in funds.settled:
            raise MonthAlreadySettled(f"{month:%Y-%m} of contract {contract_id} is settled")
        if amount == 0:
            return None
        transfer = Transfer(leg(operation_id, "reversal"), TransferKind.REVERSAL,
                            Account(AccountKind.SPENT, str(contract_id)),
                            Account(AccountKind.RESERVE, str(contract_id)), amount,
                            f"{month:%Y-%m} {kind.value} rejected")
        self.check(transfer)
        return transfer

    def _funds(self, contract_id: UUID) -> ContractFunds:
        funds = self.contracts.get(contract_id)
        if funds is None:
            raise ContractNotFunded(f"certificate {self.number} funds no contract {contract_id}")
        return funds
