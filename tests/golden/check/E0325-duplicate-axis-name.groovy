pipeline {
    agent any
    stages {
        stage('build') {
            matrix {
                axes {
                    axis {
                        name 'OS'
                        values 'linux'
                    }
                    axis {
                        name 'OS'
                        values 'mac'
                    }
                }
                stages {
                    stage('cell') {
                        steps {
                            echo 'hi'
                        }
                    }
                }
            }
        }
    }
}
