@Library('shared') _

pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                deployToProd 'x'
            }
        }
    }
}
