Feature: Answers the wallet leaves unknown
  A U answer (CAPTURE_IN_PROCESS, REFUND_IN_PROCESS) says the outcome is not known yet: it is
  never a failure. A correct merchant queries and retries with the same request id, so that a
  capture or refund the wallet did make is not made twice.

  @merchant @wallet-mock @flow-preauth @flow-tradeNO @REQ-PRE-013 @step-16 @step-17
  Scenario: The wallet answers a capture "in process" although it captured, and the merchant captures once
    Given the merchant has created a pre-authorization for "20.00 USD" paid by tradeNO
    And the payer authorizes the pre-authorization in the wallet
    And the merchant's order becomes "AUTHORIZED"
    And the wallet answers the next capture with "CAPTURE_IN_PROCESS" after making it
    When the merchant settles the order for "12.00 USD"
    Then the merchant's order is "CAPTURED"
    And the merchant's order shows "12.00 USD" paid
    And the wallet holds "0.00 USD" frozen, "12.00 USD" captured and "8.00 USD" released

  @merchant @wallet-mock @flow-preauth @flow-tradeNO @REQ-PRE-013 @step-16 @step-17
  Scenario: The wallet answers a capture "in process" before capturing, and the merchant asks again until it is made
    Given the merchant has created a pre-authorization for "20.00 USD" paid by tradeNO
    And the payer authorizes the pre-authorization in the wallet
    And the merchant's order becomes "AUTHORIZED"
    And the wallet answers the next capture with "CAPTURE_IN_PROCESS" before making it
    When the merchant settles the order for "12.00 USD"
    Then the merchant's order is "CAPTURED"
    And the merchant's order shows "12.00 USD" paid
    And the wallet holds "0.00 USD" frozen, "12.00 USD" captured and "8.00 USD" released

  @merchant @wallet-mock @flow-tradeNO @refunds @REQ-REF-009
  Scenario: The wallet answers a refund "in process" although it refunded, and the merchant refunds once
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the payer confirms the payment in the wallet
    And the merchant's order becomes "PAID"
    And the wallet answers the next refund with "REFUND_IN_PROCESS" after making it
    When the merchant refunds "4.00 USD"
    Then the merchant's order is "PAID"
    And the merchant's order shows "4.00 USD" refunded
    And the wallet shows "4.00 USD" refunded
