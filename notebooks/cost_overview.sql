-- Cost overview: run with `scripts/finops sql "$(cat notebooks/cost_overview.sql)"` or paste
-- the queries into any Spark SQL notebook where the warehouse tables are registered.

-- Monthly cost per provider and currency (never summed across currencies).
SELECT x_BillingPeriod, ServiceProviderName, BillingCurrency,
       SUM(EffectiveCost) AS effective_cost,
       SUM(BilledCost)    AS billed_cost,
       SUM(ListCost)      AS list_cost,
       SUM(ListCost) - SUM(EffectiveCost) AS savings_vs_list
FROM cost_daily
GROUP BY ALL
ORDER BY x_BillingPeriod, ServiceProviderName, BillingCurrency
