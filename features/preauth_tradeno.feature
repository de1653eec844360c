@preauth @flow-preauth @flow-tradeNO
Feature: Pre-authorization by tradeNO, settled through the merchant
  The merchant server asks the wallet's pay for a pre-authorization (the wallet profile's
  pre-authorization product code) and hands the tradeNO to my.tradePay instead of signing an
  orderStr; from the pre-authorization page on the flow is the one of seeds 000 and 002
  (pre-authorization steps 5-17).

  @wallet @merchant @REQ-PRE-002
  @step-1 @step-2 @step-5 @step-6 @step-7 @step-8 @step-10 @step-11 @step-12 @realtime
  Scenario: A payer authorizes a pre-authorization by tradeNO
    Given the merchant has created a pre-authorization for "30.00 USD" paid by tradeNO
    Then the order's tradeNO is the wallet's payment id
    And the wallet reports the payment as "PROCESSING" for "30.00 USD"
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 9000
    And the merchant's order becomes "AUTHORIZED"
    And the merchant's order shows "30.00 USD" authorized
    And the wallet reports the payment as "AUTH_SUCCESS" for "30.00 USD"
    And the wallet reports the authorization expiring its declared validity after it was granted
    And the wallet has notified the merchant of "AUTH_SUCCESS" once
    And the wallet holds "30.00 USD" frozen, "0.00 USD" captured and "0.00 USD" released

  @wallet @merchant @REQ-PRE-003
  @step-1 @step-2 @step-5 @step-10 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario: The merchant settles the exact fee of a tradeNO pre-authorization
    Given the merchant has created a pre-authorization for "3000 JPY" paid by tradeNO
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant settles the order for "3000 JPY"
    Then the merchant's order is "CAPTURED"
    And the merchant's order shows "3000 JPY" paid
    And the wallet reports the payment as "SUCCESS" for "3000 JPY"
    And the wallet holds "0 JPY" frozen, "3000 JPY" captured and "0 JPY" released

  @wallet @merchant @REQ-PRE-004 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario: The merchant settles the rest of a tradeNO pre-authorization after a partial capture
    Given the merchant has created a pre-authorization for "2.500 KWD" paid by tradeNO
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant captures "1.250 KWD" and keeps the rest authorized
    And the merchant settles the order for "0.750 KWD"
    Then the merchant's order shows "2.000 KWD" paid
    And the wallet holds "0.000 KWD" frozen, "2.000 KWD" captured and "0.500 KWD" released

  @wallet @merchant @REQ-PRE-001 @step-10 @step-11 @step-12
  Scenario: 6004 on the pre-authorization page, the merchant asks the wallet and finds it authorized
    Given the merchant has created a pre-authorization for "30.00 USD" paid by tradeNO
    When the wallet app cannot tell the payment result
    Then the mini program gets result code 6004
    When the mini program passes the result code to the merchant
    Then the merchant's order becomes "AUTHORIZED"
    And the wallet holds "30.00 USD" frozen, "0.00 USD" captured and "0.00 USD" released

  @wallet @merchant @REQ-PRE-007 @step-5 @step-10 @step-11 @step-12
  Scenario: A declined pre-authorization freezes nothing and fails the order
    Given the merchant has created a pre-authorization for "30.00 USD" paid by tradeNO
    When the payer's wallet declines the payment
    Then the mini program gets result code 4000
    And the merchant's order becomes "FAILED"
    And the wallet reports the payment as "FAIL"
    And the wallet holds "0.00 USD" frozen, "0.00 USD" captured and "0.00 USD" released
    When the merchant tries to settle the order for "10.00 USD"
    Then the merchant refuses the request
