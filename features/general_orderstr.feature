@general @flow-orderStr
Feature: General payment by orderStr
  The merchant server signs an orderStr itself, without calling the wallet, and the mini
  program pays it with my.tradePay; the wallet creates the payment when it first sees the
  orderStr, under the merchant's out_trade_no (seeds 000 and 002, steps 1-2.3.1).

  @wallet @merchant @REQ-GEN-002
  @step-1 @step-1.1 @step-1.1.1 @step-1.1.2 @step-1.1.2.1 @step-1.1.2.1.1 @step-1.1.2.1.2
  @step-1.1.2.1.3 @step-2 @step-2.1 @step-2.2 @step-2.3 @step-2.3.1
  Scenario: A payer pays an order by orderStr
    Given the merchant has created an order for "0.02 CNY" paid by orderStr
    Then the orderStr is signed by the merchant for "0.02 CNY"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 9000
    And the merchant's order becomes "PAID"
    And the merchant's order shows "0.02 CNY" paid
    And the wallet reports the payment as "SUCCESS" for "0.02 CNY"
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PAID"

  @wallet @REQ-GEN-002 @step-1.1.2.1 @step-1.1.2.1.1 @step-2.3
  Scenario: The wallet files an orderStr payment under the merchant's out_trade_no
    Given the merchant has created an order for "15.00 USD" paid by orderStr
    When the payer confirms the payment in the wallet
    Then the wallet's payment request id is the orderStr's out_trade_no
    And the wallet reports the payment as "SUCCESS" for "15.00 USD"

  @wallet @merchant @REQ-GEN-004 @step-2 @step-2.3 @realtime
  Scenario: The wallet notifies the merchant of an orderStr payment
    Given the merchant has created an order for "10.00 USD" paid by orderStr
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    And the wallet has notified the merchant of "SUCCESS" once

  @wallet @merchant @REQ-GEN-012 @step-1.1.2.1 @step-2 @step-2.3
  Scenario: Paying the same orderStr twice charges the payer once
    Given the merchant has created an order for "10.00 USD" paid by orderStr
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000
    And the merchant's order shows "10.00 USD" paid
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @wallet @merchant @REQ-GEN-008 @step-1.1.2.1 @step-2.3 @step-2.3.1
  Scenario: A payer cancels an orderStr payment and pays later
    Given the merchant has created an order for "10.00 USD" paid by orderStr
    When the payer cancels the payment in the wallet
    Then the mini program gets result code 6001
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PENDING"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 9000
    And the merchant's order becomes "PAID"

  @wallet @merchant @REQ-GEN-007 @step-2 @step-2.3 @step-2.3.1
  Scenario: A declined orderStr payment fails the order
    Given the merchant has created an order for "10.00 USD" paid by orderStr
    When the payer's wallet declines the payment
    Then the mini program gets result code 4000
    And the merchant's order becomes "FAILED"
    And the wallet reports the payment as "FAIL"

  @merchant @REQ-GEN-005 @step-2.3 @step-2.3.1
  Scenario: An orderStr order reported paid before the wallet ever saw it stays pending
    Given the merchant has created an order for "10.00 USD" paid by orderStr
    When the mini program tells the merchant the result code was 9000
    Then the merchant answers that the order is "PENDING"
    And the wallet has no payment for that request

  @wallet @REQ-GEN-018 @step-1.1.2.1 @step-1.1.2.1.1
  Scenario: An orderStr whose amount was changed after signing is refused
    Given the merchant has created an order for "10.00 USD" paid by orderStr
    When the orderStr's amount is changed to "0.01 USD" without signing it again
    And the payer confirms the payment in the wallet
    Then the mini program gets result code 4000
    And the wallet has no payment for that request

  @wallet @REQ-GEN-018 @step-1.1.2.1 @step-1.1.2.1.1
  Scenario: An orderStr for an app the wallet does not know is refused
    Given the kit has signed an orderStr for "10.00 USD" under an unknown app id
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000
    And the wallet has no payment for that request

  @wallet @realtime @REQ-GEN-014 @step-1.1.2.1 @step-2
  Scenario: An orderStr not paid within its pay_timeout is closed, waited for in real time
    Given the kit has signed an orderStr for "10.00 USD" whose one-minute pay_timeout is waited for in real time
    When the payer cancels the payment in the wallet
    Then the mini program gets result code 6001
    And the wallet closes the payment at its deadline
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000

  @wallet @clock @REQ-GEN-014 @step-1.1.2.1 @step-2
  Scenario: An orderStr not paid within its pay_timeout is closed
    Given the kit has signed an orderStr for "10.00 USD" that expires in 15 minutes
    When the payer cancels the payment in the wallet
    And 16 minutes pass in the wallet
    Then the wallet reports the payment as "FAIL"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000
