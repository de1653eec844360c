@preauth @flow-preauth
Feature: An authorization ends: cancelled, expired or settled once
  Once granted, an authorization stays capturable until its authExpiryTime (grant time plus
  the wallet profile's validity, 7 days by default). A cancel releases what is still frozen;
  at expiry the wallet releases it by itself; a settled authorization takes nothing more
  (docs/protocol.md, "Lifecycles"; seeds 000 and 002, pre-authorization steps 13-17).

  @wallet @merchant @flow-tradeNO @REQ-PRE-009 @step-16 @step-17 @realtime
  Scenario: The merchant cancels an authorization and everything is released
    Given the merchant has created a pre-authorization for "25.00 USD" paid by tradeNO
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant cancels the order
    Then the merchant's order is "CANCELLED"
    And the merchant's order shows "0.00 USD" paid
    And the wallet reports the payment as "CANCELLED"
    And the wallet holds "0.00 USD" frozen, "0.00 USD" captured and "25.00 USD" released
    And the wallet has notified the merchant of "AUTH_SUCCESS" once
    When the merchant tries to settle the order for "5.00 USD"
    Then the merchant refuses the request
    And the wallet holds "0.00 USD" frozen, "0.00 USD" captured and "25.00 USD" released

  @wallet @merchant @flow-orderStr @REQ-PRE-009 @step-16 @step-17
  Scenario: The merchant cancels an authorization by orderStr
    Given the merchant has created a pre-authorization for "0.02 CNY" paid by orderStr
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant cancels the order
    Then the merchant's order is "CANCELLED"
    And the wallet reports the payment as "CANCELLED"
    And the wallet holds "0.00 CNY" frozen, "0.00 CNY" captured and "0.02 CNY" released

  @wallet @merchant @flow-orderStr @REQ-PRE-005 @REQ-PRE-009 @step-16 @step-17
  Scenario: Cancelling after a partial capture releases only the rest
    Given the merchant has created a pre-authorization for "25.00 USD" paid by orderStr
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant captures "10.00 USD" and keeps the rest authorized
    And the merchant cancels the order
    Then the merchant's order is "CAPTURED"
    And the merchant's order shows "10.00 USD" paid
    And the wallet reports the payment as "SUCCESS" for "25.00 USD"
    And the wallet holds "0.00 USD" frozen, "10.00 USD" captured and "15.00 USD" released
    When the merchant tries to settle the order for "1.00 USD"
    Then the merchant refuses the request
    And the wallet holds "0.00 USD" frozen, "10.00 USD" captured and "15.00 USD" released

  @wallet @merchant @flow-tradeNO @REQ-PRE-009 @step-5 @step-16 @step-17
  Scenario: A pre-authorization the merchant cancelled before the payer acted cannot be authorized
    Given the merchant has created a pre-authorization for "25.00 USD" paid by tradeNO
    When the merchant cancels the order
    Then the merchant's order is "CANCELLED"
    And the wallet reports the payment as "CANCELLED"
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 4000
    And the merchant's order is "CANCELLED"

  @wallet @merchant @flow-tradeNO @REQ-PRE-010 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario: Asking the merchant twice to settle takes the fee once
    Given the merchant has created a pre-authorization for "10.00 USD" paid by tradeNO
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant settles the order for "6.00 USD"
    And the merchant tries to settle the order for "6.00 USD"
    Then the merchant refuses the request
    And the merchant's order shows "6.00 USD" paid
    And the wallet holds "0.00 USD" frozen, "6.00 USD" captured and "4.00 USD" released

  @wallet @merchant @clock @flow-orderStr @REQ-PRE-008 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario: An authorization that expires before the service ends cannot be settled
    Given the merchant has created a pre-authorization for "30.00 USD" paid by orderStr
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When 7 days and one second pass in the wallet
    And the merchant tries to settle the order for "12.00 USD"
    Then the merchant refuses the request with the wallet's "AUTHORIZATION_EXPIRED"
    And the merchant's order shows "0.00 USD" paid
    And the wallet holds "0.00 USD" frozen, "0.00 USD" captured and "30.00 USD" released

  @wallet @merchant @clock @flow-tradeNO @REQ-PRE-008 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario: An authorization can be settled until the moment it expires
    Given the merchant has created a pre-authorization for "30.00 USD" paid by tradeNO
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When 7 days less ten seconds pass in the wallet
    And the merchant settles the order for "12.00 USD"
    Then the merchant's order shows "12.00 USD" paid
    And the wallet holds "0.00 USD" frozen, "12.00 USD" captured and "18.00 USD" released

  @wallet @merchant @clock @flow-tradeNO @REQ-PRE-008 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario: What a partly captured authorization still holds is released when it expires
    Given the merchant has created a pre-authorization for "30.00 USD" paid by tradeNO
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant captures "10.00 USD" and keeps the rest authorized
    And 7 days and one second pass in the wallet
    Then the wallet holds "0.00 USD" frozen, "10.00 USD" captured and "20.00 USD" released
    When the merchant tries to settle the order for "5.00 USD"
    Then the merchant refuses the request with the wallet's "AUTHORIZATION_EXPIRED"
    And the merchant's order shows "10.00 USD" paid
