-- Commitments: paste the queries into any Spark SQL notebook where the warehouse tables are
-- registered, or run one with `scripts/finops sql "SELECT ..."` (several queries: several
-- arguments).
-- Columns and their bases: README, "Commitments".

-- Monthly utilization per commitment on both bases, with the unused cost and who owns it.
SELECT u.x_BillingPeriod, u.ServiceProviderName, u.CommitmentDiscountType, u.CommitmentDiscountId,
       i.Owner, i.PaymentOption, u.BillingCurrency,
       u.AmortizedCommitmentCost, u.UsedCost, u.UnusedCost,
       u.UtilizationCostBasis, u.UtilizationQuantityBasis, u.QuantityBasisNullReason
FROM commitment_utilization_monthly u
LEFT JOIN commitment_inventory i
  ON i.BillingAccountId = u.BillingAccountId AND i.CommitmentDiscountId = u.CommitmentDiscountId
 AND i.BillingCurrency = u.BillingCurrency
ORDER BY u.x_BillingPeriod, u.UtilizationCostBasis;

-- Coverage per provider and service, on the on-demand-equivalent and the amortized basis.
SELECT x_BillingPeriod, ServiceProviderName, ServiceName, BillingCurrency,
       SUM(CoveredOnDemandCost) / SUM(EligibleOnDemandCost)     AS coverage_on_demand_basis,
       SUM(CoveredEffectiveCost) / SUM(EligibleEffectiveCost)   AS coverage_amortized_basis,
       SUM(EligibleOnDemandCost) - SUM(CoveredOnDemandCost)     AS uncovered_on_demand_cost,
       SUM(CoveredOutsideRulesRows)                             AS covered_rows_outside_rules
FROM commitment_coverage_daily
GROUP BY ALL
ORDER BY x_BillingPeriod, uncovered_on_demand_cost DESC;

-- Savings and effective savings rate per provider and month (usage rows, purchases never count).
SELECT x_BillingPeriod, ServiceProviderName, BillingCurrency,
       SUM(NegotiatedSavings) AS negotiated_savings,
       SUM(CommitmentSavings) AS commitment_savings,
       SUM(TotalSavings)      AS total_savings,
       SUM(TotalSavings) / SUM(ListCostKnown) AS effective_savings_rate,
       SUM(RowsWithoutListCost) AS rows_without_list_cost
FROM savings_daily
GROUP BY ALL
ORDER BY x_BillingPeriod, ServiceProviderName, BillingCurrency;

-- Daily utilization of one commitment type: no day-one spike from monthly unused amounts.
SELECT ChargeDate, ServiceProviderName, CommitmentDiscountType,
       SUM(UsedCost) AS used, SUM(UnusedCost) AS unused,
       SUM(UsedCost) / SUM(AmortizedCommitmentCost) AS utilization_cost_basis
FROM commitment_utilization_daily
GROUP BY ALL
ORDER BY ChargeDate, ServiceProviderName, CommitmentDiscountType
