@general @flow-tradeNO
Feature: General payment by tradeNO
  The merchant server creates the payment through the wallet's pay API and hands the wallet's
  tradeNO to the mini program, which pays it with my.tradePay (seeds 001 and 004, steps 1-19).
  The merchant fulfils only on the wallet's word: a notification or its own inquiry.

  @wallet @merchant @REQ-GEN-001
  @step-1 @step-2 @step-3 @step-4 @step-5 @step-6 @step-7 @step-8 @step-9 @step-10
  @step-11 @step-12 @step-13 @step-14 @step-15 @step-16 @step-17 @step-18 @step-19
  Scenario: A payer pays an order by tradeNO
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 9000
    And the merchant's order becomes "PAID"
    And the merchant's order shows "10.00 USD" paid
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PAID"

  @wallet @merchant @REQ-GEN-015 @step-3 @step-4 @step-5 @step-6 @step-7 @step-8
  Scenario: The merchant's tradeNO is the payment the wallet created for the order
    Given the merchant has created an order for "25.50 USD" paid by tradeNO
    Then the order's tradeNO is the wallet's payment id
    And the wallet reports the payment as "PROCESSING" for "25.50 USD"

  @wallet @merchant @REQ-GEN-004 @step-13 @step-14 @step-15 @step-16 @step-18 @realtime
  Scenario: The wallet notifies the merchant of the payment and the merchant acknowledges it
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    And the wallet has notified the merchant of "SUCCESS" once

  @wallet @merchant @REQ-GEN-016 @step-3 @step-4 @step-13 @step-14 @step-15 @step-16 @step-18
  Scenario Outline: An amount of <amount> keeps its currency's minor units end to end
    Given the merchant has created an order for "<amount>" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    And the merchant's order shows "<amount>" paid
    And the wallet reports the payment as "SUCCESS" for "<amount>"

    Examples:
      | amount         |
      | 0.01 USD       |
      | 1000 JPY       |
      | 1.500 KWD      |
      | 123456.78 EUR  |

  @wallet @REQ-GEN-017 @step-9 @step-10 @step-11 @step-12
  Scenario: A tradeNO the wallet never issued cannot be paid
    When the payer confirms a payment with an unknown tradeNO
    Then the mini program gets result code 4000
