@general @flow-tradeNO
Feature: A general payment is paid once, and not after it was cancelled or expired
  A paid payment cannot be paid again; a payment the merchant cancelled or that passed its
  deadline cannot be paid at all (docs/protocol.md, "Lifecycles").

  @wallet @merchant @REQ-GEN-012 @step-9 @step-13 @step-17
  Scenario: A paid order cannot be paid twice
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000
    And the merchant's order shows "10.00 USD" paid
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @wallet @merchant @REQ-GEN-012 @step-9 @step-18 @realtime
  Scenario: Paying twice does not notify twice
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    When the payer confirms the payment in the wallet
    Then the wallet has notified the merchant of "SUCCESS" once

  @wallet @merchant @REQ-GEN-013 @step-9 @step-17
  Scenario: An order the merchant cancelled cannot be paid
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the merchant cancels the order
    Then the merchant's order is "CANCELLED"
    And the wallet reports the payment as "CANCELLED"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000
    And the merchant's order is "CANCELLED"

  @wallet @REQ-GEN-013 @step-18 @realtime
  Scenario: Cancelling a payment sends no notification
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the merchant cancels the order
    Then the wallet reports the payment as "CANCELLED"
    And the wallet has sent no notification

  @wallet @merchant @REQ-GEN-013 @REQ-HOOK-M-004 @step-17 @step-18
  Scenario: A paid order cannot be cancelled
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    When the merchant tries to cancel the order
    Then the merchant refuses the request
    And the merchant's order is "PAID"
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @wallet @merchant @clock @REQ-GEN-014 @step-9 @step-17 @step-18
  Scenario: An order the payer never pays fails when its payment expires
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When 2 days pass in the wallet
    Then the merchant's order becomes "FAILED"
    And the wallet reports the payment as "FAIL"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000

  @wallet @clock @REQ-GEN-014 @step-9 @step-17
  Scenario: A payment not completed by its deadline is closed
    Given the kit has asked the wallet for a payment of "10.00 USD" that expires in 15 minutes
    When 16 minutes pass in the wallet
    Then the wallet reports the payment as "FAIL"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000
